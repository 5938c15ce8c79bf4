import 'server-only';
import Redis from 'ioredis';
import { config } from '@/fuse/config';
import { getPool } from '@/fuse/db/client';

export type Check = { ok: boolean; ms: number; error?: string };
export type Readiness = { ready: boolean; checks: { database: Check; redis?: Check } };

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function check(what: string, run: () => Promise<unknown>, timeoutMs: number): Promise<Check> {
  const start = performance.now();
  try {
    await withTimeout(run(), timeoutMs, what);
    return { ok: true, ms: Math.round(performance.now() - start) };
  } catch (err) {
    return { ok: false, ms: Math.round(performance.now() - start), error: err instanceof Error ? err.message : String(err) };
  }
}

async function pingRedis(url: string): Promise<void> {
  // A short-lived connection per probe: no reconnect loop or offline queue to hide an outage.
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 1_500, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const answer = await redis.ping();
    if (answer !== 'PONG') throw new Error(`unexpected PING answer ${answer}`);
  } finally {
    redis.disconnect();
  }
}

/** The database answers `select 1` and, when REDIS_URL is set, Redis answers PING. */
export async function readiness(timeoutMs = 2_000): Promise<Readiness> {
  const { redisUrl } = config();
  const [database, redis] = await Promise.all([
    check('database', () => getPool().query('select 1'), timeoutMs),
    redisUrl ? check('redis', () => pingRedis(redisUrl), timeoutMs) : Promise.resolve(undefined),
  ]);
  return { ready: database.ok && (redis?.ok ?? true), checks: redis ? { database, redis } : { database } };
}
