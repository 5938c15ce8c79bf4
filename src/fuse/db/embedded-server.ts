/**
 * The embedded database: PGlite (PostgreSQL compiled to WebAssembly) served over the PostgreSQL wire
 * protocol from its own process. PGlite blocks the event loop while it works, so it must not share
 * a process with the web server; over a socket, the app uses the same `pg` driver as in production.
 *
 * Run as a child process: argv[2] is the data directory (or `memory://`), argv[3] the port (0: any),
 * FUSE_EMBEDDED_PASSWORD the password clients must give. It prints one JSON line, {"port", "socketDir"}, once
 * it accepts connections, and exits when its parent goes away.
 *
 * pglite-socket has no authentication, so it listens on a Unix socket in a directory only this user
 * can enter; the TCP port on 127.0.0.1 is a password check (src/fuse/db/wire-auth.ts) in front of it.
 */
import fs, { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { makePrivate } from '../tooling/private-files';
import { passwordProtectedServer } from './wire-auth';

/**
 * PGlite's file layer (Emscripten's NODEFS) sets the mode of each file it writes itself, 0666, past
 * the umask: in this process every chmod keeps group and others out.
 */
function keepModesPrivate() {
  const strip = (mode: fs.Mode) => (typeof mode === 'string' ? parseInt(mode, 8) : mode) & ~0o077;
  const { chmodSync, fchmodSync } = fs;
  fs.chmodSync = (file, mode) => chmodSync(file, strip(mode));
  fs.fchmodSync = (fd, mode) => fchmodSync(fd, strip(mode));
}

async function main() {
  // Everything this process creates (PGlite's files, the socket) is for this user only.
  process.umask(0o077);
  keepModesPrivate();
  const dataDir = process.argv[2] ?? 'memory://';
  const requestedPort = Number(process.argv[3] ?? 0);
  const password = process.env.FUSE_EMBEDDED_PASSWORD;
  if (!password) throw new Error('FUSE_EMBEDDED_PASSWORD is not set');
  delete process.env.FUSE_EMBEDDED_PASSWORD;

  if (dataDir !== 'memory://') makePrivate(dataDir);
  const db = await PGlite.create(dataDir === 'memory://' ? undefined : dataDir);
  const socketDir = mkdtempSync(path.join(os.tmpdir(), 'fuse-pglite-')); // mode 0700
  const socketPath = path.join(socketDir, 'db.sock');
  const server = new PGLiteSocketServer({ db, path: socketPath, maxConnections: 1 });
  await server.start();

  const front = passwordProtectedServer({ password, upstream: () => net.connect(socketPath) });
  const port = await new Promise<number>((resolve, reject) => {
    front.once('error', reject);
    front.listen(requestedPort, '127.0.0.1', () => {
      const address = front.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
  // The socket directory too: after a kill -9 this process cannot remove it, its parent does.
  process.stdout.write(JSON.stringify({ port, socketDir }) + '\n');

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    try {
      front.close();
      await server.stop();
      await db.close();
    } finally {
      rmSync(socketDir, { recursive: true, force: true });
      process.exit(0);
    }
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop);
  // When the parent dies without a signal, stdin closes.
  process.stdin.on('end', stop);
  process.stdin.resume();
}

main().catch((err) => {
  process.stderr.write(`embedded database failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
