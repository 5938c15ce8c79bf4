import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { verifySessionToken } from '../../src/fuse/session/token';
import { startAppServer, TEST_SECRET, type AppServer } from '../setup/app-server';
import { baseEnv, cookieFrom, DEMO_PASSWORD, seededPostgres, signInCookie } from './hardening-support';
import { openStream, type OpenStream } from './live-helpers';

/**
 * Revocation reaches every instance at once: two production servers on one PostgreSQL, with the
 * default SESSION_REFRESH_SECONDS (300 s), so nothing here is explained by a cookie refresh.
 */
const serverUrl = process.env.DATABASE_URL;
if (!serverUrl && process.env.CI) throw new Error('CI=true but DATABASE_URL is not set: the cross-instance test must run in CI.');

const secret = new TextEncoder().encode(TEST_SECRET);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MAX_STREAMS = 3;

/** Resolves true when the stream ends within `ms`. */
function endsWithin(stream: OpenStream, ms: number): Promise<boolean> {
  return Promise.race([stream.ended.then(() => true), sleep(ms).then(() => false)]);
}

/** What a signed-out visitor gets everywhere: a proxy-served page, an API read, the export, the live stream. */
async function accessOf(url: string, cookie: string) {
  const page = await fetch(`${url}/dashboard`, { headers: { cookie }, redirect: 'manual' });
  const api = await fetch(`${url}/api/clients`, { headers: { cookie } });
  const exported = await fetch(`${url}/api/export`, { headers: { cookie } });
  const live = await fetch(`${url}/api/live`, { headers: { cookie, accept: 'text/event-stream' } });
  const result = {
    page: page.status === 307 && (page.headers.get('location') ?? '').includes('/sign-in') ? 'sign-in' : page.status,
    api: api.status,
    export: exported.status,
    live: live.status,
  };
  await Promise.all([page, api, exported, live].map((r) => r.body?.cancel().catch(() => undefined)));
  return result;
}

const SIGNED_OUT = { page: 'sign-in', api: 401, export: 401, live: 401 };

describe.runIf(serverUrl)('hardening: revocation on every instance at once (two instances, PostgreSQL)', () => {
  let database: Awaited<ReturnType<typeof seededPostgres>>;
  let one: AppServer;
  let two: AppServer;
  const streams: OpenStream[] = [];
  const track = (s: OpenStream) => (streams.push(s), s);
  const post = (url: string, path: string, cookie: string, body?: unknown, method = 'POST') =>
    fetch(`${url}${path}`, {
      method,
      headers: { cookie, 'content-type': 'application/json', origin: url },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  /** Index and table reads of the `sessions` table so far (PostgreSQL's statistics). */
  const sessionTableReads = async () => {
    const { rows } = await database.pool.query(
      `select coalesce(seq_scan, 0) + coalesce(idx_scan, 0) as n from pg_stat_user_tables where relname = 'sessions'`,
    );
    return Number((rows[0] as { n: string }).n);
  };

  beforeAll(async () => {
    database = await seededPostgres('fuse_revocation');
    const env = baseEnv({ DATABASE_URL: database.url, FUSE_EMBEDDED_DATABASE_URL: '', LIVE_MAX_STREAMS_PER_USER: String(MAX_STREAMS) });
    [one, two] = await Promise.all([startAppServer(env), startAppServer(env)]);
  });

  afterAll(async () => {
    streams.forEach((s) => s.close());
    await Promise.all([one?.stop(), two?.stop()]);
    await database?.pool.end();
    await database?.drop();
  });

  it('reads decide the session from memory: no query of the sessions table per request', async () => {
    const cookie = await signInCookie(one.url, 'crew@demo.fuse.dev');
    const captain = await signInCookie(two.url);
    // Let the sign-ins' own statistics reach the view (a backend reports them when idle, within ~10 s).
    await sleep(11_000);
    const before = await sessionTableReads();
    for (let i = 0; i < 5; i++) {
      for (const server of [one, two]) {
        expect((await fetch(`${server.url}/dashboard/clients`, { headers: { cookie } })).status).toBe(200);
        expect((await fetch(`${server.url}/api/clients`, { headers: { cookie } })).status).toBe(200);
        expect((await fetch(`${server.url}/api/team`, { headers: { cookie: captain } })).status).toBe(200);
      }
    }
    track(await openStream(two.url, cookie)).close();
    await sleep(11_000);
    expect(await sessionTableReads()).toBe(before);
    // The probe does see a session check: a mutation re-checks against the database.
    expect(
      (await post(one.url, '/api/clients', cookie, { firstName: 'Probe', lastName: 'Row', email: `probe-${Date.now()}@example.test` })).status,
    ).toBe(201);
    await sleep(11_000);
    expect(await sessionTableReads()).toBeGreaterThan(before);
  });

  it('a copied cookie stops working right after sign-out: page, API, export and live, on both instances', async () => {
    const cookie = await signInCookie(one.url);
    const copy = cookie;
    const signedIn = await accessOf(two.url, copy);
    expect(signedIn).toEqual({ page: 200, api: 200, export: 200, live: 200 });

    const out = await post(one.url, '/api/auth/sign-out', cookie);
    expect(out.status).toBe(200);
    expect(out.headers.getSetCookie().join()).toMatch(/FUSE_SESSION=;/);
    expect(await accessOf(one.url, copy)).toEqual(SIGNED_OUT);
    // The other instance hears of it over PostgreSQL NOTIFY: within a moment, not a refresh window.
    const deadline = Date.now() + 2_000;
    while ((await fetch(`${two.url}/api/clients`, { headers: { cookie: copy } })).status !== 401 && Date.now() < deadline) await sleep(50);
    expect(await accessOf(two.url, copy)).toEqual(SIGNED_OUT);
    // Another session of the same user is untouched.
    expect((await accessOf(two.url, await signInCookie(one.url))).api).toBe(200);
  });

  it('the cached clients list: a write on one instance is in the next read on the other, and a signed-out cookie is refused while it is cached', async () => {
    const cookie = await signInCookie(one.url);
    const other = await signInCookie(two.url);
    const list = async (url: string, c: string) => {
      const res = await fetch(`${url}/api/clients?status=active&limit=100`, { headers: { cookie: c } });
      return { status: res.status, body: res.status === 200 ? ((await res.json()) as { items: { id: number; firstName: string }[] }) : null };
    };
    const email = `cached-${Date.now()}@example.com`;
    const created = await post(one.url, '/api/clients', cookie, { email, firstName: 'Cached', lastName: 'Client', status: 'active' });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: number };
    // Read twice on each instance: the second read is the cached answer.
    for (const url of [one.url, two.url, one.url, two.url])
      expect((await list(url, cookie)).body!.items.find((c) => c.id === id)?.firstName).toBe('Cached');

    // Acknowledged on one instance, read at once on the other: no wait for any notification.
    expect((await post(one.url, `/api/clients/${id}`, cookie, { firstName: 'Renamed' }, 'PATCH')).status).toBe(200);
    expect((await list(two.url, cookie)).body!.items.find((c) => c.id === id)?.firstName).toBe('Renamed');
    expect((await list(one.url, other)).body!.items.find((c) => c.id === id)?.firstName).toBe('Renamed');
    expect((await post(two.url, `/api/clients/${id}`, cookie, undefined, 'DELETE')).status).toBe(200);
    expect((await list(one.url, cookie)).body!.items.some((c) => c.id === id)).toBe(false);
    expect((await list(two.url, cookie)).body!.items.some((c) => c.id === id)).toBe(false);

    // The list is cached on both instances; the signed-out cookie still gets nothing from it.
    expect((await post(one.url, '/api/auth/sign-out', cookie)).status).toBe(200);
    expect((await list(one.url, cookie)).status).toBe(401);
    const deadline = Date.now() + 2_000;
    while ((await list(two.url, cookie)).status !== 401 && Date.now() < deadline) await sleep(50);
    expect(await list(two.url, cookie)).toEqual({ status: 401, body: null });
    expect((await list(two.url, other)).status).toBe(200);
  });

  it('sign out everywhere ends open streams at once, on both instances', async () => {
    const here = await signInCookie(one.url, 'crew@demo.fuse.dev');
    const there = await signInCookie(two.url, 'crew@demo.fuse.dev');
    const onOne = track(await openStream(one.url, there));
    const onTwo = track(await openStream(two.url, there));
    const started = Date.now();
    expect((await post(two.url, '/api/auth/sign-out-everywhere', here)).status).toBe(200);
    expect(await endsWithin(onOne, 2_000)).toBe(true);
    expect(await endsWithin(onTwo, 2_000)).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await accessOf(one.url, there)).toEqual(SIGNED_OUT);
  });

  it('a password change ends the other devices’ streams on both instances and keeps this device signed in', async () => {
    const user = 'commodore@demo.fuse.dev';
    const here = await signInCookie(one.url, user);
    const there = await signInCookie(one.url, user);
    const onOne = track(await openStream(one.url, there));
    const onTwo = track(await openStream(two.url, there));
    const res = await post(one.url, '/api/auth/password', here, { currentPassword: DEMO_PASSWORD, newPassword: 'a-Changed-password-2026' });
    expect(res.status).toBe(200);
    const renewed = cookieFrom(res)!;
    expect(await endsWithin(onOne, 2_000)).toBe(true);
    expect(await endsWithin(onTwo, 2_000)).toBe(true);
    expect((await fetch(`${two.url}/api/clients`, { headers: { cookie: there } })).status).toBe(401);
    // This device: the same session (same id), new version, still signed in on both instances.
    const before = await verifySessionToken(here.split('=')[1], [secret]);
    const after = await verifySessionToken(renewed.split('=')[1], [secret]);
    expect(after?.sessionId).toBe(before?.sessionId);
    expect(after?.sessionExpiresAt).toBe(before?.sessionExpiresAt);
    expect((await fetch(`${two.url}/api/clients`, { headers: { cookie: renewed } })).status).toBe(200);
    track(await openStream(two.url, renewed));
    expect(
      (await post(two.url, '/api/auth/password', renewed, { currentPassword: 'a-Changed-password-2026', newPassword: DEMO_PASSWORD })).status,
    ).toBe(200);
  });

  it('a demotion ends the member’s streams on both instances; they reconnect with the new rank', async () => {
    const commodore = await signInCookie(one.url, 'commodore@demo.fuse.dev');
    const captain = await signInCookie(two.url);
    const captainId = (await verifySessionToken(captain.split('=')[1], [secret]))!.userId;
    const onOne = track(await openStream(one.url, captain));
    const onTwo = track(await openStream(two.url, captain));
    expect((await post(one.url, `/api/team/members/${captainId}`, commodore, { rank: 'crew' }, 'PATCH')).status).toBe(200);
    expect(await endsWithin(onOne, 2_000)).toBe(true);
    expect(await endsWithin(onTwo, 2_000)).toBe(true);
    // Reconnecting with the old cookie: still signed in, re-minted as crew (same session).
    await sleep(2_100);
    const again = await fetch(`${two.url}/api/live`, { headers: { cookie: captain, accept: 'text/event-stream' } });
    expect(again.status).toBe(200);
    await again.body?.cancel();
    const reminted = await verifySessionToken(cookieFrom(again)!.split('=')[1], [secret]);
    expect(reminted).toMatchObject({ rank: 'crew', userId: captainId });
    expect((await fetch(`${one.url}/api/team`, { headers: { cookie: captain } })).status).toBe(403);
  });

  it('removing a member ends their streams on both instances and signs that cookie out', async () => {
    const commodore = await signInCookie(two.url, 'commodore@demo.fuse.dev');
    const crew = await signInCookie(one.url, 'crew@demo.fuse.dev');
    const crewId = (await verifySessionToken(crew.split('=')[1], [secret]))!.userId;
    const onOne = track(await openStream(one.url, crew));
    const onTwo = track(await openStream(two.url, crew));
    // The read-only admiral cannot remove anyone; nobody removes themselves.
    const admiral = await signInCookie(one.url, 'admiral@demo.fuse.dev');
    expect((await post(one.url, `/api/team/members/${crewId}`, admiral, undefined, 'DELETE')).status).toBe(403);
    const commodoreId = (await verifySessionToken(commodore.split('=')[1], [secret]))!.userId;
    expect((await post(one.url, `/api/team/members/${commodoreId}`, commodore, undefined, 'DELETE')).status).toBe(403);
    expect(await endsWithin(onOne, 300)).toBe(false);

    expect((await post(two.url, `/api/team/members/${crewId}`, commodore, undefined, 'DELETE')).status).toBe(200);
    expect(await endsWithin(onOne, 2_000)).toBe(true);
    expect(await endsWithin(onTwo, 2_000)).toBe(true);
    await sleep(2_100);
    expect(await accessOf(one.url, crew)).toEqual(SIGNED_OUT);
    expect((await post(two.url, `/api/team/members/${crewId}`, commodore, undefined, 'DELETE')).status).toBe(404);
  });

  it('a re-mint keeps the session (theme change, business switch); sign-out ends every cookie of it; sign-in starts another', async () => {
    const cookie = await signInCookie(one.url, 'commodore@demo.fuse.dev');
    const original = (await verifySessionToken(cookie.split('=')[1], [secret]))!;
    const themed = await post(one.url, '/api/settings', cookie, { theme: 'dark' }, 'PATCH');
    expect(themed.status).toBe(200);
    const afterTheme = cookieFrom(themed)!;
    const settings = (await (await fetch(`${one.url}/api/settings`, { headers: { cookie: afterTheme } })).json()) as {
      businesses: { businessId: string; current: boolean }[];
    };
    const elsewhere = settings.businesses.find((b) => !b.current)!;
    const switched = await post(two.url, '/api/business/switch', afterTheme, { businessId: elsewhere.businessId });
    expect(switched.status).toBe(200);
    const afterSwitch = cookieFrom(switched)!;
    for (const c of [afterTheme, afterSwitch]) {
      expect(await verifySessionToken(c.split('=')[1], [secret])).toMatchObject({
        sessionId: original.sessionId,
        sessionExpiresAt: original.sessionExpiresAt,
      });
    }
    expect((await post(two.url, '/api/auth/sign-out', afterSwitch)).status).toBe(200);
    for (const c of [cookie, afterTheme, afterSwitch]) expect((await fetch(`${two.url}/api/clients`, { headers: { cookie: c } })).status).toBe(401);
    const again = await signInCookie(one.url, 'commodore@demo.fuse.dev');
    expect((await verifySessionToken(again.split('=')[1], [secret]))!.sessionId).not.toBe(original.sessionId);
  });

  it(`caps live streams at ${MAX_STREAMS} per user per instance: one more is a 429 that says why`, async () => {
    const cookie = await signInCookie(one.url, 'admiral@demo.fuse.dev');
    const open = [];
    for (let i = 0; i < MAX_STREAMS; i++) open.push(track(await openStream(one.url, cookie)));
    const extra = await fetch(`${one.url}/api/live`, { headers: { cookie, accept: 'text/event-stream' } });
    expect(extra.status).toBe(429);
    expect(((await extra.json()) as { error: string }).error).toMatch(/Too many live streams.*at most 3/);
    expect(extra.headers.get('retry-after')).toBeTruthy();
    // The cap is per instance: the other one still serves this user.
    track(await openStream(two.url, cookie));
    // Closing a stream frees its place.
    open[0]!.close();
    const deadline = Date.now() + 5_000;
    let status = 0;
    while (Date.now() < deadline) {
      const res = await fetch(`${one.url}/api/live`, { headers: { cookie, accept: 'text/event-stream' } });
      status = res.status;
      await res.body?.cancel();
      if (status === 200) break;
      await sleep(100);
    }
    expect(status).toBe(200);
  });
});

describe('hardening: sign-out on the embedded database (one process)', () => {
  const baseUrl = inject('baseUrl');

  it('a copied cookie stops working right after sign-out', async () => {
    const cookie = await signInCookie(baseUrl, 'crew@demo.fuse.dev');
    expect((await accessOf(baseUrl, cookie)).api).toBe(200);
    const stream = await openStream(baseUrl, cookie);
    expect((await fetch(`${baseUrl}/api/auth/sign-out`, { method: 'POST', headers: { cookie } })).status).toBe(200);
    expect(await endsWithin(stream, 2_000)).toBe(true);
    expect(await accessOf(baseUrl, cookie)).toEqual(SIGNED_OUT);
  });
});
