import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintSessionToken, verifySessionToken } from '../../src/fuse/session/token';
import { startAppServer, TEST_SECRET, type AppServer } from '../setup/app-server';
import { baseEnv, CAPTAIN, cookieFrom, DEMO_PASSWORD, seededPostgres, signInCookie } from './hardening-support';

const secret = new TextEncoder().encode(TEST_SECRET);
const PREVIOUS = 'the-previous-session-secret-long-enough-0123456789';

describe('hardening: sessions that can be revoked', () => {
  let database: Awaited<ReturnType<typeof seededPostgres>>;
  let server: AppServer;
  const exec = (q: string) => database.pool.query(q);
  const mutate = (
    cookie: string,
    method = 'POST',
    path = '/api/clients',
    body: unknown = {
      firstName: 'Rev',
      lastName: `Client ${Date.now()}`,
      email: `rev-${Date.now()}-${Math.random().toString(36).slice(2)}@example.test`,
    },
  ) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { cookie, 'content-type': 'application/json', origin: server.url },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    database = await seededPostgres('fuse_hardening_sessions');
    server = await startAppServer(baseEnv({ DATABASE_URL: database.url, SESSION_REFRESH_SECONDS: '1', SESSION_SECRET_PREVIOUS: PREVIOUS }));
  });
  afterAll(async () => {
    await server?.stop();
    await database?.pool.end();
    await database?.drop();
  });

  it('sign out everywhere: mutations with another device’s cookie fail at once, reads after the refresh window', async () => {
    const deviceA = await signInCookie(server.url, 'crew@demo.fuse.dev');
    const deviceB = await signInCookie(server.url, 'crew@demo.fuse.dev');
    expect((await mutate(deviceB)).status).toBe(201);
    const out = await fetch(`${server.url}/api/auth/sign-out-everywhere`, { method: 'POST', headers: { cookie: deviceA, origin: server.url } });
    expect(out.status).toBe(200);
    expect((await mutate(deviceB)).status).toBe(401);
    await new Promise((r) => setTimeout(r, 1_100));
    const page = await fetch(`${server.url}/dashboard`, { headers: { cookie: deviceB }, redirect: 'manual' });
    expect(page.status).toBe(307);
    expect(page.headers.get('location')).toContain('/sign-in');
    expect(page.headers.getSetCookie().join()).toMatch(/FUSE_SESSION=;/);
    expect((await fetch(`${server.url}/api/clients`, { headers: { cookie: deviceB } })).status).toBe(401);
  });

  it('an old cookie is re-checked and re-minted after SESSION_REFRESH_SECONDS', async () => {
    const cookie = await signInCookie(server.url);
    await new Promise((r) => setTimeout(r, 1_100));
    await exec(`update users set name = 'Cora Renamed' where email = '${CAPTAIN}'`);
    const res = await fetch(`${server.url}/api/clients`, { headers: { cookie } });
    expect(res.status).toBe(200);
    const fresh = cookieFrom(res);
    expect(fresh).toBeTruthy();
    const session = await verifySessionToken(fresh!.split('=')[1], [secret]);
    expect(session?.name).toBe('Cora Renamed');
  });

  it('a demoted captain cannot act as one with an old cookie', async () => {
    const cookie = await signInCookie(server.url);
    const list = (await (await fetch(`${server.url}/api/clients`, { headers: { cookie } })).json()) as { items: { id: number }[] };
    const id = list.items[0]!.id;
    expect((await mutate(cookie, 'PATCH', `/api/clients/${id}`, { notes: 'still captain' })).status).toBe(200);
    await exec(`update memberships set rank = 'crew' where user_id = (select id from users where email = '${CAPTAIN}')`);
    try {
      expect((await mutate(cookie, 'PATCH', `/api/clients/${id}`, { notes: 'demoted' })).status).toBe(403);
    } finally {
      await exec(`update memberships set rank = 'captain' where user_id = (select id from users where email = '${CAPTAIN}')`);
    }
  });

  it('a route that sets the session itself is the only Set-Cookie, even when the proxy would refresh', async () => {
    const cookie = await signInCookie(server.url, 'admiral@demo.fuse.dev');
    // Older than SESSION_REFRESH_SECONDS (1 s here): the proxy re-mints a cookie on every other request.
    await new Promise((r) => setTimeout(r, 2_100));
    const refreshed = await fetch(`${server.url}/api/clients`, { headers: { cookie } });
    expect(refreshed.headers.getSetCookie().filter((c) => /FUSE_SESSION=/.test(c))).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1_100));
    const res = await fetch(`${server.url}/api/auth/password`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', origin: server.url },
      body: JSON.stringify({ currentPassword: DEMO_PASSWORD, newPassword: 'a-Temporary-password-2026' }),
    });
    expect(res.status).toBe(200);
    const sessionCookies = res.headers.getSetCookie().filter((c) => /FUSE_SESSION=/.test(c));
    expect(sessionCookies).toHaveLength(1);
    // And it is the route's new session, valid after the change (the stale one would be a 401):
    // it changes the password back.
    const renewed = sessionCookies[0]!.split(';')[0]!;
    const back = await fetch(`${server.url}/api/auth/password`, {
      method: 'POST',
      headers: { cookie: renewed, 'content-type': 'application/json', origin: server.url },
      body: JSON.stringify({ currentPassword: 'a-Temporary-password-2026', newPassword: DEMO_PASSWORD }),
    });
    expect(back.status).toBe(200);
  });

  it('a password change signs out other devices and keeps this one', async () => {
    const here = await signInCookie(server.url, 'admiral@demo.fuse.dev');
    const there = await signInCookie(server.url, 'admiral@demo.fuse.dev');
    const res = await fetch(`${server.url}/api/auth/password`, {
      method: 'POST',
      headers: { cookie: here, 'content-type': 'application/json', origin: server.url },
      body: JSON.stringify({ currentPassword: DEMO_PASSWORD, newPassword: 'a-New-password-2026' }),
    });
    expect(res.status).toBe(200);
    const renewed = cookieFrom(res)!;
    expect(renewed).toBeTruthy();
    const whoami = (c: string) => fetch(`${server.url}/api/auth/sign-out-everywhere`, { method: 'GET', headers: { cookie: c } });
    expect((await whoami(renewed)).status).toBe(405);
    expect(
      (
        await fetch(`${server.url}/api/auth/password`, {
          method: 'POST',
          headers: { cookie: there, 'content-type': 'application/json', origin: server.url },
          body: '{}',
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await fetch(`${server.url}/api/auth/password`, {
          method: 'POST',
          headers: { cookie: renewed, 'content-type': 'application/json', origin: server.url },
          body: '{}',
        })
      ).status,
    ).toBe(400);
  });

  it('a cookie signed with SESSION_SECRET_PREVIOUS is accepted and re-minted with the current secret', async () => {
    const { rows } = await exec(
      `select u.id, m.business_id, u.session_version from users u join memberships m on m.user_id = u.id where u.email = 'crew@demo.fuse.dev'`,
    );
    const row = rows[0] as { id: string; business_id: string; session_version: number };
    const started = await exec(
      `insert into sessions (user_id, expires_at) values ('${row.id}', now() + interval '1 day') returning id, extract(epoch from expires_at)::bigint as end`,
    );
    const { id: sessionId, end } = started.rows[0] as { id: string; end: number };
    const token = await mintSessionToken(
      {
        userId: row.id,
        businessId: row.business_id,
        rank: 'crew',
        name: 'Cal',
        email: 'crew@demo.fuse.dev',
        theme: 'light',
        sessionVersion: row.session_version,
        sessionId,
        sessionExpiresAt: Number(end),
      },
      new TextEncoder().encode(PREVIOUS),
      { now: Date.now() - 5_000 },
    );
    const res = await fetch(`${server.url}/api/clients`, { headers: { cookie: `FUSE_SESSION=${token}` } });
    expect(res.status).toBe(200);
    const fresh = cookieFrom(res)!;
    expect(await verifySessionToken(fresh.split('=')[1], [secret])).not.toBeNull();
  });
});
