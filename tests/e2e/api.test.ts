import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, inject, it } from 'vitest';

const baseUrl = inject('baseUrl');
const PASSWORD = 'correct-horse-42';
const DEMO_CAPTAIN = { email: 'captain@demo.fuse.dev', password: 'fuse-demo-2026' };
const THIRTY_DAYS = 30 * 24 * 60 * 60;

type Parsed = { name: string; value: string; attributes: Record<string, string | true> };

function parseSetCookie(header: string): Parsed {
  const [pair, ...attrs] = header.split(';').map((s) => s.trim());
  const eq = pair!.indexOf('=');
  const attributes: Record<string, string | true> = {};
  for (const a of attrs) {
    const i = a.indexOf('=');
    if (i === -1) attributes[a.toLowerCase()] = true;
    else attributes[a.slice(0, i).toLowerCase()] = a.slice(i + 1);
  }
  return { name: pair!.slice(0, eq), value: pair!.slice(eq + 1), attributes };
}

function sessionCookies(res: Response): Parsed[] {
  return res.headers
    .getSetCookie()
    .map(parseSetCookie)
    .filter((c) => c.name.endsWith('FUSE_SESSION'));
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    redirect: 'manual',
  });
}

/** Signs up a new business over the API and returns its cookie header. */
async function signUpOverApi(label: string) {
  const email = `${label}-${randomUUID()}@example.com`;
  const res = await post('/api/auth/sign-up', { email, password: PASSWORD, name: `${label} captain`, businessName: `${label} business` });
  expect(res.status).toBe(201);
  const [cookie] = sessionCookies(res);
  return { email, cookie: `${cookie!.name}=${cookie!.value}`, body: (await res.json()) as { businessId: string; rank: string } };
}

function api(cookie: string | null, path: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  if (cookie) headers.set('cookie', cookie);
  if (init.body) headers.set('content-type', 'application/json');
  return fetch(`${baseUrl}${path}`, { ...init, headers, redirect: 'manual' });
}

describe('auth API', () => {
  it('signs up: 201, captain of a new business, session cookie with the right flags', async () => {
    const email = `signup-${randomUUID()}@example.com`;
    const res = await post('/api/auth/sign-up', { email, password: PASSWORD, name: 'Sia Signup', businessName: 'Signup Co' });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { user: { email: string }; rank: string; businessId: string };
    expect(body).toMatchObject({ user: { email }, rank: 'captain' });
    const cookies = sessionCookies(res);
    expect(cookies).toHaveLength(1);
    const c = cookies[0]!;
    expect(c.name).toBe('FUSE_SESSION'); // plain HTTP: no __Host- prefix, no Secure
    expect(c.value.split('.')).toHaveLength(3);
    expect(c.attributes.httponly).toBe(true);
    expect(String(c.attributes.samesite).toLowerCase()).toBe('lax');
    expect(c.attributes.path).toBe('/');
    expect(Number(c.attributes['max-age'])).toBe(THIRTY_DAYS);
    expect(c.attributes.secure).toBeUndefined();
    expect(res.headers.get('cache-control')).toContain('no-store');
    // The cookie opens the API.
    const list = await api(`${c.name}=${c.value}`, '/api/clients');
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual({ items: [], nextCursor: null });
  });

  it('signs in and out', async () => {
    const { email } = await signUpOverApi('inout');
    const res = await post('/api/auth/sign-in', { email: email.toUpperCase(), password: PASSWORD });
    expect(res.status).toBe(200);
    const [c] = sessionCookies(res);
    expect(Number(c!.attributes['max-age'])).toBe(THIRTY_DAYS);
    const cookie = `${c!.name}=${c!.value}`;
    expect((await api(cookie, '/api/clients')).status).toBe(200);

    const out = await post('/api/auth/sign-out', {}, { cookie });
    expect(out.status).toBe(200);
    const cleared = sessionCookies(out).find((x) => x.name === 'FUSE_SESSION');
    expect(cleared!.value).toBe('');
    expect(cleared!.attributes.path).toBe('/');
    const expired = cleared!.attributes['max-age'] === '0' || new Date(String(cleared!.attributes.expires)).getTime() < Date.now();
    expect(expired).toBe(true);
  });

  it('answers an unknown email and a wrong password with the same status and body', async () => {
    const { email } = await signUpOverApi('creds');
    const unknown = await post('/api/auth/sign-in', { email: `nobody-${randomUUID()}@example.com`, password: PASSWORD });
    const wrong = await post('/api/auth/sign-in', { email, password: 'wrong-password-99' });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(unknown.status);
    const [u, w] = [await unknown.text(), await wrong.text()];
    expect(w).toBe(u);
    expect(sessionCookies(unknown)).toEqual([]);
    expect(sessionCookies(wrong)).toEqual([]);
  });

  it('refuses bad JSON with 400', async () => {
    for (const path of ['/api/auth/sign-up', '/api/auth/sign-in']) {
      const res = await post(path, '{"email": ');
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/JSON/);
    }
    const { cookie } = await signUpOverApi('badjson');
    const res = await api(cookie, '/api/clients', { method: 'POST', body: 'not json' });
    expect(res.status).toBe(400);
  });

  it('refuses bad fields with 400 and the field errors', async () => {
    const res = await post('/api/auth/sign-up', { email: 'nope', password: 'short', name: '', businessName: '' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { fields: Record<string, string> };
    expect(Object.keys(body.fields).sort()).toEqual(['businessName', 'email', 'name', 'password']);
    expect(sessionCookies(res)).toEqual([]);

    const { email, cookie } = await signUpOverApi('fields');
    const taken = await post('/api/auth/sign-up', { email, password: PASSWORD, name: 'Again', businessName: 'Again' });
    expect(taken.status).toBe(400);
    expect(((await taken.json()) as { fields: Record<string, string> }).fields.email).toMatch(/already/);

    const bad = await api(cookie, '/api/clients', { method: 'POST', body: JSON.stringify({ email: 'x', firstName: '' }) });
    expect(bad.status).toBe(400);
    expect(Object.keys(((await bad.json()) as { fields: object }).fields).sort()).toEqual(['email', 'firstName', 'lastName']);
  });
});

describe('clients API', () => {
  it('answers 401 without a session (and with a forged one)', async () => {
    const forged = `FUSE_SESSION=${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.`;
    for (const cookie of [null, forged, 'FUSE_SESSION=garbage']) {
      for (const [method, path] of [
        ['GET', '/api/clients'],
        ['POST', '/api/clients'],
        ['GET', '/api/clients/1'],
        ['PATCH', '/api/clients/1'],
        ['DELETE', '/api/clients/1'],
      ] as const) {
        const res = await api(cookie, path, { method, body: method === 'POST' || method === 'PATCH' ? '{}' : undefined });
        expect(res.status, `${method} ${path}`).toBe(401);
      }
    }
  });

  describe('tenant isolation', () => {
    let a: { cookie: string };
    let b: { cookie: string };
    let clientOfA: { id: number; firstName: string; status: string };

    beforeAll(async () => {
      a = await signUpOverApi('tenant-a');
      b = await signUpOverApi('tenant-b');
      const res = await api(a.cookie, '/api/clients', {
        method: 'POST',
        body: JSON.stringify({ email: `c-${randomUUID()}@example.com`, firstName: 'Only', lastName: 'A' }),
      });
      expect(res.status).toBe(201);
      clientOfA = (await res.json()) as typeof clientOfA;
    });

    it("business B gets 404 for A's client on GET, PATCH and DELETE, exactly like a missing id", async () => {
      const missing = await api(b.cookie, `/api/clients/${clientOfA.id + 10_000_000}`);
      expect(missing.status).toBe(404);
      const missingBody = await missing.text();
      for (const [method, body] of [
        ['GET', undefined],
        ['PATCH', JSON.stringify({ firstName: 'Stolen' })],
        ['DELETE', undefined],
      ] as const) {
        const res = await api(b.cookie, `/api/clients/${clientOfA.id}`, { method, body });
        expect(res.status, method).toBe(404);
        expect(await res.text()).toBe(missingBody);
      }
      // A still sees its client unchanged; B's list never shows it.
      const own = await api(a.cookie, `/api/clients/${clientOfA.id}`);
      expect(own.status).toBe(200);
      expect(await own.json()).toMatchObject({ firstName: 'Only', status: 'active' });
      const listB = (await (await api(b.cookie, '/api/clients?limit=200')).json()) as { items: { id: number }[] };
      expect(listB.items.map((c) => c.id)).not.toContain(clientOfA.id);
    });

    it('the owner can patch and archive it', async () => {
      const patched = await api(a.cookie, `/api/clients/${clientOfA.id}`, { method: 'PATCH', body: JSON.stringify({ firstName: 'Still' }) });
      expect(patched.status).toBe(200);
      expect(await patched.json()).toMatchObject({ firstName: 'Still', status: 'active' });
      const archived = await api(a.cookie, `/api/clients/${clientOfA.id}`, { method: 'DELETE' });
      expect(archived.status).toBe(200);
      expect(await archived.json()).toMatchObject({ status: 'archived' });
    });

    it('a non-numeric or out-of-range id is a 404, not a 500', async () => {
      for (const id of ['abc', '-1', '0', '1.5', '99999999999999999999', '%00']) {
        expect((await api(a.cookie, `/api/clients/${id}`)).status, id).toBe(404);
      }
    });
  });

  describe('list parameters', () => {
    let cookie: string;
    beforeAll(async () => {
      const res = await post('/api/auth/sign-in', DEMO_CAPTAIN);
      expect(res.status).toBe(200);
      const [c] = sessionCookies(res);
      cookie = `${c!.name}=${c!.value}`;
    });

    it('pages the demo clients 50 at a time by cursor', async () => {
      const first = (await (await api(cookie, '/api/clients?status=active')).json()) as {
        items: { id: number; status: string }[];
        nextCursor: string;
      };
      expect(first.items).toHaveLength(50);
      expect(first.items.every((c) => c.status === 'active')).toBe(true);
      const second = (await (await api(cookie, `/api/clients?status=active&cursor=${encodeURIComponent(first.nextCursor)}`)).json()) as {
        items: { id: number }[];
      };
      expect(second.items).toHaveLength(50);
      expect(Math.max(...second.items.map((c) => c.id))).toBeLessThan(Math.min(...first.items.map((c) => c.id)));
      expect((await api(cookie, '/api/clients?limit=200')).status).toBe(200);
      const tooMany = await api(cookie, '/api/clients?limit=201');
      expect(tooMany.status).toBe(400);
      expect(((await tooMany.json()) as { fields: object }).fields).toHaveProperty('limit');
    });

    it('a malformed or foreign cursor is a 400, never a 500', async () => {
      const first = (await (await api(cookie, '/api/clients?status=active')).json()) as { nextCursor: string };
      const other = await signUpOverApi('cursor-other');
      const cases: [string, string][] = [
        [cookie, '/api/clients?cursor=garbage'],
        [cookie, `/api/clients?cursor=${'a'.repeat(300)}`],
        [cookie, `/api/clients?status=lead&cursor=${encodeURIComponent(first.nextCursor)}`],
        [cookie, `/api/clients?cursor=${encodeURIComponent(first.nextCursor)}x`],
        [other.cookie, `/api/clients?status=active&cursor=${encodeURIComponent(first.nextCursor)}`],
      ];
      for (const [c, path] of cases) {
        const res = await api(c, path);
        expect(res.status, path).toBe(400);
        expect(((await res.json()) as { fields: object }).fields).toHaveProperty('cursor');
      }
    });

    it('arbitrary cursor strings are always a 400', async () => {
      await fc.assert(
        fc.asyncProperty(fc.string({ minLength: 1, maxLength: 300 }), async (s) => {
          const res = await api(cookie, `/api/clients?cursor=${encodeURIComponent(s)}`);
          expect(res.status).toBe(400);
        }),
        { numRuns: 40 },
      );
    });
  });
});

describe('proxy', () => {
  it('redirects a signed-out visitor of /dashboard to /sign-in?next=%2Fdashboard', async () => {
    const res = await fetch(`${baseUrl}/dashboard`, { redirect: 'manual' });
    expect(res.status).toBe(307);
    const location = new URL(res.headers.get('location')!, baseUrl);
    expect(`${location.pathname}${location.search}`).toBe('/sign-in?next=%2Fdashboard');
    const deep = await fetch(`${baseUrl}/dashboard/clients?status=lead`, { redirect: 'manual' });
    expect(deep.status).toBe(307);
    const deepLocation = new URL(deep.headers.get('location')!, baseUrl);
    expect(deepLocation.pathname).toBe('/sign-in');
    expect(deepLocation.searchParams.get('next')).toBe('/dashboard/clients?status=lead');
  });

  it('treats a forged or garbage cookie as signed out', async () => {
    const res = await fetch(`${baseUrl}/dashboard`, { redirect: 'manual', headers: { cookie: 'FUSE_SESSION=a.b.c' } });
    expect(res.status).toBe(307);
    expect(new URL(res.headers.get('location')!, baseUrl).pathname).toBe('/sign-in');
  });

  it('sends a signed-in visitor of /sign-in to /dashboard, and lets them into /dashboard', async () => {
    const { cookie } = await signUpOverApi('proxy');
    const res = await fetch(`${baseUrl}/sign-in`, { redirect: 'manual', headers: { cookie } });
    expect([307, 308]).toContain(res.status);
    expect(new URL(res.headers.get('location')!, baseUrl).pathname).toBe('/dashboard');
    const dash = await fetch(`${baseUrl}/dashboard`, { redirect: 'manual', headers: { cookie } });
    expect(dash.status).toBe(200);
  });
});
