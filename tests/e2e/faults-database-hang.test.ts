import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer, type AppServer } from '../setup/app-server';
import { privatePostgresAvailable, seededPrivatePostgres, type PrivatePostgres } from '../setup/private-postgres';
import { baseEnv, signInCookie } from './hardening-support';
import { changeOf, createClientOverApi, isChange, newClientBody, openStream } from './live-helpers';

const BOUND_MS = 1_500;

type Timed = { status: number; retryAfter: string | null; ms: number };

async function timedFetch(url: string, init: RequestInit = {}): Promise<Timed> {
  const start = performance.now();
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  await res.arrayBuffer();
  return { status: res.status, retryAfter: res.headers.get('retry-after'), ms: performance.now() - start };
}

describe.skipIf(!privatePostgresAvailable())('faults: every PostgreSQL process stopped (a hung database)', () => {
  let db: PrivatePostgres;
  let server: AppServer;
  beforeAll(async () => {
    db = await seededPrivatePostgres();
    server = await startAppServer(baseEnv({ DATABASE_URL: db.url, DB_QUERY_TIMEOUT_MS: String(BOUND_MS), DB_POOL_MAX: '4' }));
  });
  afterAll(async () => {
    db?.thaw();
    await server?.stop('SIGKILL');
    db?.stop();
  });

  it('requests answer 503 with Retry-After within DB_QUERY_TIMEOUT_MS, and everything recovers after SIGCONT', async () => {
    const cookie = await signInCookie(server.url);
    const headers = { cookie };
    expect((await timedFetch(`${server.url}/api/clients`, { headers })).status).toBe(200);
    const stream = await openStream(server.url, cookie);

    db.freeze();
    let outcomes: Timed[];
    try {
      // More requests than pool connections: reads, mutations (the session re-check and a
      // transaction), all at once; some wait for a connection of the pool.
      outcomes = await Promise.all([
        ...Array.from({ length: 6 }, () => timedFetch(`${server.url}/api/clients`, { headers })),
        ...Array.from({ length: 3 }, () =>
          timedFetch(`${server.url}/api/clients`, {
            method: 'POST',
            headers: { ...headers, 'content-type': 'application/json' },
            body: JSON.stringify(newClientBody('hang')),
          }),
        ),
      ]);
    } finally {
      db.thaw();
    }
    for (const o of outcomes) {
      expect(o.status).toBe(503);
      expect(o.retryAfter).toBe('5');
      // One bound for the connection or the query, one for a second query at most; never the length of the stall.
      expect(o.ms).toBeLessThan(BOUND_MS * 2 + 1_500);
    }

    // Recovery: requests succeed again at once, and the live stream opened before the stall still carries changes.
    const recovered = performance.now();
    for (;;) {
      const o = await timedFetch(`${server.url}/api/clients`, { headers });
      if (o.status === 200) break;
      expect(performance.now() - recovered).toBeLessThan(10_000);
      await new Promise((r) => setTimeout(r, 200));
    }
    const created = await createClientOverApi(server.url, cookie, newClientBody('after-hang'));
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: number };
    const change = await stream.next((e) => isChange(e) && changeOf(e).entityId === String(id), 10_000);
    expect(changeOf(change).kind).toBeDefined();
    stream.close();
  });
});
