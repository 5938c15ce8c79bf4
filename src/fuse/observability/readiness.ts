import 'server-only';
import type Redis from 'ioredis';
import { getPool } from '@/fuse/db/client';
import { schemaBehindMessage, schemaState } from '@/fuse/db/schema-state';
import { sharedRedis } from '@/fuse/ratelimit';
import { whenRedisReady } from '@/fuse/ratelimit/redis-store';
import { logger } from './logger';

export type Check = { ok: boolean; ms: number; error?: string };
export type Readiness = { ready: boolean; checks: { database: Check; schema?: Check; redis?: Check } };

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A load balancer probes every few seconds: an outage is logged once per check per interval, not per probe. */
const LOG_EVERY_MS = 30_000;
const lastLogged = new Map<string, number>();

async function check(what: string, run: () => Promise<unknown>, timeoutMs: number): Promise<Check> {
  const start = performance.now();
  try {
    await withTimeout(run(), timeoutMs, what);
    return { ok: true, ms: Math.round(performance.now() - start) };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    if (Date.now() - (lastLogged.get(what) ?? 0) >= LOG_EVERY_MS) {
      lastLogged.set(what, Date.now());
      logger.warn({ check: what, error }, `readiness: ${what} check failed`);
    }
    return { ok: false, ms: Math.round(performance.now() - start), error };
  }
}

/** PING on the process's Redis client; while it is (re)connecting, waits for it up to the timeout. */
async function pingRedis(client: Redis, timeoutMs: number): Promise<void> {
  await whenRedisReady(client, timeoutMs);
  const answer = await client.ping();
  if (answer !== 'PONG') throw new Error(`unexpected PING answer ${answer}`);
}

/** Once the schema was found current it stays so for this process (migrations only move forward). */
let schemaCurrent = false;

/** The database has every migration of this release (src/fuse/db/schema-state.ts). */
async function checkSchema(): Promise<void> {
  if (schemaCurrent) return;
  const state = await schemaState(getPool());
  if (!state.current) throw new Error(schemaBehindMessage(state));
  schemaCurrent = true;
}

/**
 * The database answers `select 1` and has this release's migrations and, when REDIS_URL is set,
 * Redis answers PING, on the clients the app itself uses (the pool, the rate limiter's Redis
 * connection): a probe opens no connection. The schema is checked once the database answers.
 * Failures carry the driver's error text (hosts, ports): for logs and operators, see `publicChecks`.
 */
export async function readiness(timeoutMs = 2_000): Promise<Readiness> {
  const redis = sharedRedis();
  const [database, redisCheck] = await Promise.all([
    check('database', () => getPool().query('select 1'), timeoutMs),
    redis ? check('redis', () => pingRedis(redis, timeoutMs), timeoutMs) : Promise.resolve(undefined),
  ]);
  const schema = database.ok ? await check('schema', checkSchema, timeoutMs) : undefined;
  return {
    ready: database.ok && (schema?.ok ?? false) && (redisCheck?.ok ?? true),
    checks: { database, ...(schema ? { schema } : {}), ...(redisCheck ? { redis: redisCheck } : {}) },
  };
}

/** What an anonymous caller (a load balancer) is told: which dependency is up, nothing about why one is not. */
export function publicChecks(checks: Readiness['checks']): Record<string, { ok: boolean }> {
  return Object.fromEntries(Object.entries(checks).map(([name, c]) => [name, { ok: c.ok }]));
}
