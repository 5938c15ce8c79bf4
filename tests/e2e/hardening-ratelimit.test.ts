import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer, startSeededEmbeddedDatabase, type AppServer } from '../setup/app-server';
import { baseEnv, CAPTAIN, DEMO_PASSWORD, startRedis } from './hardening-support';

type Db = Awaited<ReturnType<typeof startSeededEmbeddedDatabase>>;

async function burst(url: string, n: number, headers: (i: number) => Record<string, string> = () => ({})) {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) {
    const res = await fetch(url, { headers: headers(i), redirect: 'manual' });
    await res.arrayBuffer();
    statuses.push(res.status);
  }
  return statuses;
}

const signIn = (base: string, email: string, password: string, headers: Record<string, string> = {}) =>
  fetch(`${base}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ email, password }),
  });

describe('hardening: rate limits in memory', () => {
  let db: Db;
  let server: AppServer;
  beforeAll(async () => {
    db = await startSeededEmbeddedDatabase();
    server = await startAppServer(
      baseEnv({
        FUSE_EMBEDDED_DATABASE_URL: db.url,
        FUSE_ALLOW_EMBEDDED: '1',
        DATABASE_URL: '',
        RATE_LIMIT_MAX: '100',
        RATE_LIMIT_WINDOW_SECONDS: '10',
      }),
    );
  });
  afterAll(async () => {
    await server?.stop();
    await db?.stop();
  });

  it('the 101st request in 10 s is a 429 with Retry-After and RateLimit-* headers; spoofed X-Forwarded-For does not help', async () => {
    // startAppServer's readiness probe may have counted; fill the rest of the budget.
    const statuses = await burst(`${server.url}/sign-in`, 100);
    const firstDenied = statuses.indexOf(429);
    expect(firstDenied).toBeGreaterThan(90);
    const res = await fetch(`${server.url}/api/public/stats`);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(res.headers.get('ratelimit-limit')).toBe('100');
    expect(res.headers.get('ratelimit-remaining')).toBe('0');
    expect(res.headers.get('ratelimit-policy')).toBe('100;w=10');
    expect(res.headers.get('content-security-policy')).toBeTruthy();
    // A fresh-looking address per request: still this socket's budget.
    const spoofed = await burst(`${server.url}/sign-in`, 5, (i) => ({
      'x-forwarded-for': `198.51.100.${i + 1}`,
      'x-real-ip': `198.51.100.${i + 1}`,
    }));
    expect(spoofed).toEqual([429, 429, 429, 429, 429]);
    // The API (no proxy in front of it) counts against the same budget, and no header a client
    // writes, FUSE's own internal names included, gives it another address.
    const api = await burst(`${server.url}/api/clients`, 4, (i) => ({
      'x-fuse-client-ip': `203.0.113.${i + 1}`,
      'x-fuse-peer-address': `203.0.113.${i + 1}`,
      'x-forwarded-for': `203.0.113.${i + 1}`,
    }));
    expect(api).toEqual([429, 429, 429, 429]);
    const limited = await fetch(`${server.url}/api/health`, { headers: { 'x-fuse-client-ip': '203.0.113.99' } });
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ error: expect.stringMatching(/too many requests/i) });
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

const METRICS_TOKEN = 'ratelimit-metrics-token-0123456789';

/** fuse_rate_limit_store_failures_total of one instance, by outcome. */
async function storeFailures(baseUrl: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${baseUrl}/api/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^fuse_rate_limit_store_failures_total\{outcome="(\w+)"\} (\d+)/gm)) out[m[1]!] = Number(m[2]);
  return out;
}

describe('hardening: rate limits shared in Redis, and Redis failures', () => {
  let db: Db;
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let a: AppServer;
  let b: AppServer;
  beforeAll(async () => {
    db = await startSeededEmbeddedDatabase();
    redis = await startRedis();
    const env = baseEnv({
      FUSE_EMBEDDED_DATABASE_URL: db.url,
      FUSE_ALLOW_EMBEDDED: '1',
      DATABASE_URL: '',
      REDIS_URL: redis.url,
      REDIS_PREFIX: `test-${Date.now()}:`,
      RATE_LIMIT_MAX: '60',
      RATE_LIMIT_WINDOW_SECONDS: '30',
      // Each request comes through "a proxy" on loopback that names the client: per-account limits
      // are then tested from rotating addresses.
      TRUSTED_PROXIES: '127.0.0.1',
      AUTH_RATE_LIMIT_MAX: '5',
      AUTH_ACCOUNT_RATE_LIMIT_MAX: '10',
      METRICS_TOKEN: METRICS_TOKEN,
    });
    // The embedded database serves one connection: the second instance gets its own.
    a = await startAppServer(env);
    const db2 = await startSeededEmbeddedDatabase();
    b = await startAppServer({ ...env, FUSE_EMBEDDED_DATABASE_URL: db2.url });
    const stopB = b.stop;
    b.stop = async (signal) => {
      const code = await stopB(signal);
      await db2.stop();
      return code;
    };
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await redis?.stop();
    await db?.stop();
  });

  it('two instances share one budget', async () => {
    const client = { 'x-forwarded-for': '203.0.113.50' };
    const first = await burst(`${a.url}/api/public/stats`, 40, () => client);
    expect(first.every((s) => s === 200)).toBe(true);
    const second = await burst(`${b.url}/api/public/stats`, 25, () => client);
    expect(second.filter((s) => s === 200).length).toBe(20);
    expect(second.slice(-5)).toEqual([429, 429, 429, 429, 429]);
  });

  it('20 wrong passwords for one account from rotating addresses are throttled', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await signIn(a.url, CAPTAIN, `wrong-password-${i}`, { 'x-forwarded-for': `192.0.2.${i + 1}` });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10).every((s) => s === 429)).toBe(true);
    // The right password is refused as well while the account is throttled (on the other instance too).
    expect((await signIn(b.url, CAPTAIN, DEMO_PASSWORD, { 'x-forwarded-for': '192.0.2.99' })).status).toBe(429);
    // Per IP: the 6th attempt from one address within a minute.
    const ip = { 'x-forwarded-for': '192.0.2.200' };
    const perIp: number[] = [];
    for (let i = 0; i < 6; i++) perIp.push((await signIn(a.url, `nobody${i}@example.test`, 'whatever-1234', ip)).status);
    expect(perIp).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('Redis frozen or down: pages answer quickly from the in-process limiter, sign-in fails closed with 503', async () => {
    const client = { 'x-forwarded-for': '203.0.113.77' };
    const before = await storeFailures(a.url);
    redis.child.kill('SIGSTOP');
    try {
      const t0 = Date.now();
      const page = await fetch(`${a.url}/api/public/stats`, { headers: client });
      expect(page.status).toBe(200);
      const login = await signIn(a.url, 'crew@demo.fuse.dev', DEMO_PASSWORD, { 'x-forwarded-for': '192.0.2.150' });
      expect(login.status).toBe(503);
      expect(login.headers.get('retry-after')).toBeTruthy();
      expect(Date.now() - t0).toBeLessThan(3_000);
      // Each fallback is counted, so an operator sees the limit stopped being global.
      const failures = await storeFailures(a.url);
      expect(failures.memory ?? 0).toBeGreaterThan(before.memory ?? 0);
      expect(failures.closed ?? 0).toBeGreaterThan(before.closed ?? 0);
    } finally {
      redis.child.kill('SIGCONT');
    }
    await redis.stop();
    const t1 = Date.now();
    const statuses = await burst(`${b.url}/api/public/stats`, 61, () => ({ 'x-forwarded-for': '203.0.113.78' }));
    expect(Date.now() - t1).toBeLessThan(15_000);
    // The fallback still limits: 60 in the window, then 429.
    expect(statuses.slice(0, 60).every((s) => s === 200)).toBe(true);
    expect(statuses[60]).toBe(429);
    const login = await signIn(b.url, 'crew@demo.fuse.dev', DEMO_PASSWORD, { 'x-forwarded-for': '192.0.2.151' });
    expect(login.status).toBe(503);
    expect((await login.json()).error).toMatch(/unavailable/i);
  });
});
