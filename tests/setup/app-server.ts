import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { seedDemo } from '../../src/cli/demo-data';
import { startEmbeddedDatabase } from '../../src/fuse/db/embedded';
import { migrateDatabase } from '../../src/fuse/db/migrate';
import { buildIfStale, freePort } from '../../src/fuse/tooling/build';

const ROOT = path.resolve(__dirname, '../..');
export const TEST_DIST_DIR = process.env.FUSE_DIST_DIR || '.next-test';
export const TEST_SECRET = 'e2e-session-secret-that-is-long-enough-0123456789';

/** Builds the production bundle into the test build directory unless it is newer than every input. */
export function buildForTests(): void {
  buildIfStale(ROOT, { distDir: TEST_DIST_DIR });
}

export { freePort };

export type AppServer = {
  url: string;
  port: number;
  child: ChildProcess;
  output: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
};

/**
 * Starts `next start` from the test build with the given environment; resolves once it answers.
 * `port`: a port picked beforehand (for an environment that names the server's own URL).
 */
export async function startAppServer(env: Record<string, string | undefined>, options: { port?: number } = {}): Promise<AppServer> {
  const port = options.port ?? (await freePort());
  let output = '';
  const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/next/dist/bin/next'), 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      FUSE_DIST_DIR: TEST_DIST_DIR,
      SESSION_SECRET: TEST_SECRET,
      LOG_LEVEL: 'warn',
      ...env,
    },
  });
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`app server exited (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(`${url}/sign-in`, { redirect: 'manual' });
      if (res.status < 500) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`app server did not answer within 60 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    port,
    child,
    output: () => output,
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill(signal);
      }),
  };
}

/** An embedded database with migrations and the demo business, for an app server under test. */
export async function startSeededEmbeddedDatabase() {
  const db = await startEmbeddedDatabase('memory://');
  await migrateDatabase(db.url);
  const pool = new pg.Pool({ connectionString: db.url, max: 1 });
  await seedDemo(drizzle({ client: pool }));
  await pool.end();
  return db;
}
