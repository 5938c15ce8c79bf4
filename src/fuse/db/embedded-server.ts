/**
 * The embedded database: PGlite (PostgreSQL compiled to WebAssembly) served over the PostgreSQL wire
 * protocol from its own process. PGlite blocks the event loop while it works, so it must not share
 * a process with the web server; over a socket, the app uses the same `pg` driver as in production.
 *
 * Run as a child process: argv[2] is the data directory (or `memory://`). It prints one JSON line,
 * {"port": N}, once it accepts connections, and exits when its parent goes away.
 */
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { freePort } from '../tooling/build';

async function main() {
  const dataDir = process.argv[2] ?? 'memory://';
  const requestedPort = Number(process.argv[3] ?? 0);
  const db = await PGlite.create(dataDir === 'memory://' ? undefined : dataDir);
  const port = requestedPort || (await freePort());
  const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: 1 });
  await server.start();
  process.stdout.write(JSON.stringify({ port }) + '\n');

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    try {
      await server.stop();
      await db.close();
    } finally {
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
