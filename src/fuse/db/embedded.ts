import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { makePrivate } from '../tooling/private-files';

export type EmbeddedDatabase = {
  url: string;
  port: number;
  child: ChildProcess;
  stop: () => Promise<void>;
  /** Starts it again after it stopped (a crash, kill -9): the same files, port and password, so `url` still works. */
  restart: () => Promise<EmbeddedDatabase>;
};

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Starts the embedded PGlite server in a child process and resolves once it accepts connections.
 * `dataDir` is a directory (created if missing, readable by this user only) or `memory://` for a
 * throwaway database. Each start has a new random password (it is in `url` and nowhere else), unless
 * `password` and `port` are given to start it again at the same `url` after it stopped.
 */
export async function startEmbeddedDatabase(dataDir: string, options: { port?: number; password?: string } = {}): Promise<EmbeddedDatabase> {
  if (dataDir !== 'memory://') makePrivate(dataDir);
  const password = options.password ?? randomBytes(24).toString('base64url');
  const script = path.join(here, 'embedded-server.ts');
  // The password goes in the child's environment, which other users cannot read (unlike its arguments).
  const child = spawn(process.execPath, ['--import', 'tsx', script, dataDir, String(options.port ?? 0)], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, NODE_OPTIONS: '', FUSE_EMBEDDED_PASSWORD: password },
    // Its own process group: a SIGTERM or Ctrl-C to the group of `npm start` stops the web server,
    // which drains its requests on this database; `stop()` ends the database after that.
    detached: true,
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('embedded database did not start within 60 s')), 60_000);
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        const ready = JSON.parse(line) as { port: number; socketDir: string };
        // Removed by the child when it stops; after a crash or kill -9, here.
        if (path.basename(ready.socketDir).startsWith('fuse-pglite-'))
          child.once('exit', () => rmSync(ready.socketDir, { recursive: true, force: true }));
        resolve(ready.port);
      } catch {
        reject(new Error(`embedded database said: ${line}`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`embedded database exited with code ${code} before it was ready`));
    });
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      // Already gone (a crash, or kill -9): 'exit' was emitted and will not be again.
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres?sslmode=disable`;
  return { url, port, child, stop, restart: () => startEmbeddedDatabase(dataDir, { port, password }) };
}
