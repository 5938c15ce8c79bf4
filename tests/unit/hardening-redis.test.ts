import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFastFailRedis, firstConnection, RedisStore } from '@/fuse/ratelimit/redis-store';
import { startRedis } from '../e2e/hardening-support';

describe('hardening: sliding window in Redis', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let client: ReturnType<typeof createFastFailRedis>;
  let store: RedisStore;
  beforeAll(async () => {
    redis = await startRedis();
    client = createFastFailRedis(redis.url);
    await new Promise<void>((resolve) => (client.status === 'ready' ? resolve() : client.once('ready', () => resolve())));
    store = new RedisStore(client, `unit-${process.pid}:`);
  });
  afterAll(async () => {
    client?.disconnect();
    await redis?.stop();
  });

  it('counts max per window and slides instead of resetting', async () => {
    const rule = { max: 5, windowMs: 1_500 };
    for (let i = 0; i < 5; i++) expect((await store.hit('k', rule)).allowed).toBe(true);
    const denied = await store.hit('k', rule);
    expect(denied.allowed).toBe(false);
    expect(denied.resetMs).toBeGreaterThan(1_000);
    // 0.9 s later most of the window has passed, but the 5 requests are all still inside it.
    await new Promise((r) => setTimeout(r, 900));
    expect((await store.hit('k', rule)).allowed).toBe(false);
    await new Promise((r) => setTimeout(r, 700));
    const after = await store.hit('k', rule);
    expect(after.allowed).toBe(true);
    expect(after.remaining).toBe(4);
  });

  it('a client still making its first connection is waited for, not failed (a process that just started)', async () => {
    const fresh = createFastFailRedis(redis.url);
    try {
      // Without the wait, a command sent now fails at once: there is no offline queue.
      expect(fresh.status).not.toBe('ready');
      await firstConnection(fresh, 1_000);
      expect((await new RedisStore(fresh, `unit-first-${process.pid}:`).hit('first', { max: 1, windowMs: 1_000 })).allowed).toBe(true);
    } finally {
      fresh.disconnect();
    }
  });

  it('a server that refused the first connection is not waited for', async () => {
    const refused = createFastFailRedis('redis://127.0.0.1:1');
    try {
      await new Promise((r) => setTimeout(r, 100));
      const t = Date.now();
      await firstConnection(refused, 1_000);
      expect(Date.now() - t).toBeLessThan(200);
    } finally {
      refused.disconnect();
    }
  });

  it('peek decides without counting', async () => {
    const rule = { max: 2, windowMs: 5_000 };
    for (let i = 0; i < 5; i++) expect((await store.peek('p', rule)).allowed).toBe(true);
    await store.hit('p', rule);
    await store.hit('p', rule);
    expect((await store.peek('p', rule)).allowed).toBe(false);
  });

  it('a frozen, then stopped, Redis fails fast instead of hanging', async () => {
    redis.child.kill('SIGSTOP');
    let t = Date.now();
    await expect(store.hit('frozen', { max: 5, windowMs: 1_000 })).rejects.toThrow();
    expect(Date.now() - t).toBeLessThan(1_500);
    redis.child.kill('SIGCONT');
    await redis.stop();
    await new Promise((r) => setTimeout(r, 200));
    t = Date.now();
    await expect(store.hit('down', { max: 5, windowMs: 1_000 })).rejects.toThrow();
    expect(Date.now() - t).toBeLessThan(200);
  });
});
