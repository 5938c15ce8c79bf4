import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startAppServer, type AppServer } from '../setup/app-server';

/**
 * /api/ready on a production server whose database and Redis are both unreachable (closed ports on
 * 127.0.0.1): a load balancer learns that it is not ready, an anonymous caller nothing about where
 * the dependencies live or why they failed; the operator finds that in the log and with the metrics token.
 */
const METRICS_TOKEN = 'metrics-token-for-readiness-0123456789';
let app: AppServer;
let dbPort = 0;
let redisPort = 0;

beforeAll(async () => {
  dbPort = await freePort();
  redisPort = await freePort();
  app = await startAppServer({
    DATABASE_URL: `postgres://fuse_app:db-password-hunter2@127.0.0.1:${dbPort}/fuse_prod`,
    FUSE_EMBEDDED_DATABASE_URL: '',
    REDIS_URL: `redis://:redis-password-hunter2@127.0.0.1:${redisPort}`,
    METRICS_TOKEN,
    RATE_LIMIT_MAX: '100000',
  });
});

afterAll(async () => {
  await app?.stop();
});

describe('readiness with unreachable dependencies', () => {
  it('tells an anonymous caller only that the database and Redis are down', async () => {
    const res = await fetch(`${app.url}/api/ready`);
    expect(res.status).toBe(503);
    expect(res.headers.get('cache-control')).toContain('no-store');
    const body = await res.text();
    expect(JSON.parse(body)).toEqual({ status: 'unavailable', checks: { database: { ok: false }, redis: { ok: false } } });
    for (const secret of [
      '127.0.0.1',
      String(dbPort),
      String(redisPort),
      'ECONNREFUSED',
      'hunter2',
      'fuse_app',
      'fuse_prod',
      'connect',
      'Redis is',
    ]) {
      expect(body).not.toContain(secret);
    }
  });

  it('tells a metrics reader why, and writes the reason to the log', async () => {
    const res = await fetch(`${app.url}/api/ready`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(503);
    const { checks } = (await res.json()) as { checks: Record<string, { ok: boolean; error?: string }> };
    expect(checks.database!.ok).toBe(false);
    expect(checks.database!.error).toBeTruthy();
    expect(checks.redis!.ok).toBe(false);
    expect(checks.redis!.error).toBeTruthy();
    // A wrong token is an anonymous caller.
    const wrong = await (await fetch(`${app.url}/api/ready`, { headers: { Authorization: 'Bearer wrong' } })).text();
    expect(wrong).not.toContain('error');
    const logged = app
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg?: string; check?: string; error?: string });
    expect(logged.find((l) => l.check === 'database')?.error).toBeTruthy();
    expect(logged.find((l) => l.check === 'redis')?.error).toBeTruthy();
  });
});
