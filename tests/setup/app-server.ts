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

/** How long `stop()` waits for the server to exit after its signal before it kills it and fails. */
const STOP_TIMEOUT_MS = 60_000;

/**
 * Sends `signal` and resolves with the exit code once the process is gone (null when a signal ended
 * it). A process that already ended by a signal has `exitCode` null but `signalCode` set, and emits
 * 'exit' no more: it is not waited for. One that has not exited STOP_TIMEOUT_MS after the signal is
 * killed, and the stop fails with its last output, rather than holding a hook until its timeout.
 */
function stopProcess(child: ChildProcess, signal: NodeJS.Signals, output: () => string): Promise<number | null> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return resolve(child.exitCode);
    let killed = false;
    const timer =
      signal === 'SIGKILL'
        ? undefined
        : setTimeout(() => {
            killed = true;
            child.kill('SIGKILL');
          }, STOP_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!killed) return resolve(code);
      reject(
        new Error(`app server did not exit within ${STOP_TIMEOUT_MS / 1000} s of ${signal}; killed it. Its last output:\n${output().slice(-3_000)}`),
      );
    });
    child.kill(signal);
  });
}

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
  // A failed spawn or kill is an 'error' event: unheard, it would be thrown in the test process (or
  // in Vitest's own, for the suite's global server) as an error outside any test.
  const spawned: { error?: Error } = {};
  child.on('error', (err) => {
    spawned.error ??= err;
    output += `\n[test harness] app server process error: ${err.message}\n`;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      if (spawned.error) throw new Error(`app server could not be started: ${spawned.error.message}\n${output}`);
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`app server exited (${child.exitCode ?? child.signalCode}):\n${output}`);
      try {
        const res = await fetch(`${url}/sign-in`, { redirect: 'manual' });
        if (res.status < 500) break;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline) throw new Error(`app server did not answer within 60 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } catch (err) {
    // Not left running for the rest of the run with its port, database connections and memory.
    await stopProcess(child, 'SIGKILL', () => output);
    throw err;
  }
  return {
    url,
    port,
    child,
    output: () => output,
    stop: (signal = 'SIGTERM') => stopProcess(child, signal, () => output),
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
