import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis } from '../e2e/hardening-support';

/**
 * /api/ready on a private Redis: every probe PINGs the process's one client (the rate limiter's),
 * so a load balancer probing every few seconds opens no connection at all.
 */
describe('readiness probe', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let inspector: Redis;
  const connectionsReceived = async () => Number(/total_connections_received:(\d+)/.exec(await inspector.info('stats'))![1]);

  beforeAll(async () => {
    redis = await startRedis();
    // Read by config() on first use, which happens below (this file's modules are its own).
    process.env.REDIS_URL = redis.url;
    process.env.REDIS_PREFIX = `unit-ready-${process.pid}:`;
    inspector = new Redis(redis.url);
    await inspector.ping();
  });
  afterAll(async () => {
    const { sharedRedis } = await import('@/fuse/ratelimit');
    sharedRedis()?.disconnect();
    inspector?.disconnect();
    await redis?.stop();
  });

  it('repeated probes reuse one Redis client, the one the rate limiter uses', async () => {
    const { readiness } = await import('@/fuse/observability/readiness');
    const { hitRateLimit, sharedRedis } = await import('@/fuse/ratelimit');
    const before = await connectionsReceived();
    for (let i = 0; i < 10; i++) {
      const result = await readiness(2_000);
      expect(result.checks.redis).toMatchObject({ ok: true });
    }
    // One connection for the whole process, none per probe...
    expect((await connectionsReceived()) - before).toBe(1);
    // ...and it is the rate limiter's: limiting adds none either.
    expect((await hitRateLimit('unit-ready', { max: 5, windowMs: 1_000 }, 'closed')).allowed).toBe(true);
    expect((await connectionsReceived()) - before).toBe(1);
    expect(sharedRedis()?.status).toBe('ready');
  });

  it('an anonymous answer names which dependency is down, never why', async () => {
    const { publicChecks } = await import('@/fuse/observability/readiness');
    const checks = {
      database: { ok: false, ms: 3, error: 'connect ECONNREFUSED 10.1.2.3:5432' },
      redis: { ok: true, ms: 1 },
    };
    expect(publicChecks(checks)).toEqual({ database: { ok: false }, redis: { ok: true } });
    expect(JSON.stringify(publicChecks(checks))).not.toMatch(/ECONNREFUSED|10\.1\.2\.3|5432|ms/);
  });
});
