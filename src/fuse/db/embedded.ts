import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { makePrivate } from '../tooling/private-files';

export type EmbeddedDatabase = { url: string; port: number; child: ChildProcess; stop: () => Promise<void> };

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Starts the embedded PGlite server in a child process and resolves once it accepts connections.
 * `dataDir` is a directory (created if missing, readable by this user only) or `memory://` for a
 * throwaway database. Each start has a new random password: it is in `url` and nowhere else.
 */
export async function startEmbeddedDatabase(dataDir: string, options: { port?: number } = {}): Promise<EmbeddedDatabase> {
  if (dataDir !== 'memory://') makePrivate(dataDir);
  const password = randomBytes(24).toString('base64url');
  const script = path.join(here, 'embedded-server.ts');
  // The password goes in the child's environment, which other users cannot read (unlike its arguments).
  const child = spawn(process.execPath, ['--import', 'tsx', script, dataDir, String(options.port ?? 0)], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, NODE_OPTIONS: '', FUSE_EMBEDDED_PASSWORD: password },
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('embedded database did not start within 60 s')), 60_000);
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve((JSON.parse(line) as { port: number }).port);
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
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres?sslmode=disable`, port, child, stop };
}
