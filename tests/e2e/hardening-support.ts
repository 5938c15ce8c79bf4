import { spawn, type ChildProcess } from 'node:child_process';
import { drizzle } from 'drizzle-orm/node-postgres';
import { seedDemo } from '../../src/cli/demo-data';
import { migrateDatabase } from '../../src/fuse/db/migrate';
import { createPostgresDatabase } from '../setup/databases';
import { testPool } from '../setup/test-pool';
import { afterAll, beforeAll } from 'vitest';
import { freePort, startAppServer, startSeededEmbeddedDatabase, type AppServer } from '../setup/app-server';

export const DEMO_PASSWORD = 'fuse-demo-2026';
export const CAPTAIN = 'captain@demo.fuse.dev';

/** A private redis-server on a free port (never the shared one), stopped by its PID. */
export async function startRedis(): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  const { default: Redis } = await import('ioredis');
  for (;;) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      break;
    } catch {
      probe.disconnect();
      if (Date.now() > deadline) throw new Error('redis-server did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGCONT');
        child.kill('SIGTERM');
      }),
  };
}

/** A fresh PostgreSQL database with migrations and the demo business (CI always has PostgreSQL). */
export async function seededPostgres(prefix: string) {
  const server = process.env.DATABASE_URL;
  if (!server) throw new Error('DATABASE_URL (PostgreSQL) is required for this suite');
  const database = await createPostgresDatabase(server, prefix);
  await migrateDatabase(database.url);
  // Open for the whole file, beside the app servers on the same database.
  const pool = testPool({ connectionString: database.url, max: 2 });
  await seedDemo(drizzle({ client: pool }));
  return { ...database, pool };
}

/** Signs in through the API; returns the `name=value` cookie pair. */
export async function signInCookie(
  baseUrl: string,
  email = CAPTAIN,
  password = DEMO_PASSWORD,
  headers: Record<string, string> = {},
): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  return cookieFrom(res)!;
}

export function cookieFrom(res: Response): string | null {
  const set = res.headers.getSetCookie().find((c) => /FUSE_SESSION=[^;]+/.test(c) && !/FUSE_SESSION=;/.test(c));
  return set ? set.split(';')[0]! : null;
}

/** `next start` on a free port with this environment; Redis and limits explicit so CI's REDIS_URL does not leak in. */
export function baseEnv(extra: Record<string, string>): Record<string, string> {
  return {
    REDIS_URL: '',
    RATE_LIMIT_MAX: '100000',
    AUTH_RATE_LIMIT_MAX: '100000',
    AUTH_ACCOUNT_RATE_LIMIT_MAX: '100000',
    INVITE_RATE_LIMIT_MAX: '100000',
    ...extra,
  };
}

/**
 * A describe block's own `next start` on a fresh embedded database with the demo business, with
 * `extra` environment (baseEnv's limits included); stopped after the block. Returns the server's getter.
 */
export function embeddedServerFor(extra: Record<string, string>): () => AppServer {
  let db: Awaited<ReturnType<typeof startSeededEmbeddedDatabase>> | undefined;
  let server: AppServer | undefined;
  beforeAll(async () => {
    db = await startSeededEmbeddedDatabase();
    server = await startAppServer(baseEnv({ FUSE_EMBEDDED_DATABASE_URL: db.url, FUSE_ALLOW_EMBEDDED: '1', DATABASE_URL: '', ...extra }));
  });
  afterAll(async () => {
    await server?.stop();
    await db?.stop();
  });
  return () => server!;
}
