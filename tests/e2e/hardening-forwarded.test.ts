import { request as httpRequest } from 'node:http';
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { CAPTAIN, DEMO_PASSWORD, embeddedServerFor, signInCookie } from './hardening-support';

/**
 * X-Forwarded-Host and X-Forwarded-Proto say how the browser reached FUSE. They are believed only
 * from a socket peer in TRUSTED_PROXIES: from anyone else they would widen the Origin allow-list and
 * pick the session cookie's name. Over HTTPS only the `__Host-` cookie opens a session, over plain
 * HTTP only the plain one.
 */
const EVIL = 'evil.example';

type Parsed = { name: string; value: string; attributes: Record<string, string | true> };

function sessionCookies(res: Response): Parsed[] {
  return res.headers
    .getSetCookie()
    .map((header) => {
      const [pair, ...attrs] = header.split(';').map((s) => s.trim());
      const eq = pair!.indexOf('=');
      const attributes: Record<string, string | true> = {};
      for (const a of attrs) {
        const i = a.indexOf('=');
        if (i === -1) attributes[a.toLowerCase()] = true;
        else attributes[a.slice(0, i).toLowerCase()] = a.slice(i + 1);
      }
      return { name: pair!.slice(0, eq), value: pair!.slice(eq + 1), attributes };
    })
    .filter((c) => c.name.endsWith('FUSE_SESSION'));
}

function signIn(baseUrl: string, headers: Record<string, string> = {}) {
  return fetch(`${baseUrl}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ email: CAPTAIN, password: DEMO_PASSWORD }),
  });
}

/** A valid session token (signed in over plain HTTP). */
async function sessionToken(baseUrl: string): Promise<string> {
  const res = await signIn(baseUrl);
  expect(res.status).toBe(200);
  return sessionCookies(res).find((c) => c.value)!.value;
}

describe('forwarded headers from a peer that is not a trusted proxy', () => {
  // The suite's server: TRUSTED_PROXIES unset, so the test client on 127.0.0.1 is just a client.
  const baseUrl = inject('baseUrl');

  it('X-Forwarded-Host does not make a cross-site Origin acceptable (403)', async () => {
    const res = await signIn(baseUrl, { origin: `https://${EVIL}`, 'x-forwarded-host': EVIL });
    expect(res.status).toBe(403);
    expect(sessionCookies(res)).toEqual([]);
    // Nor a list whose first entry is the foreign host.
    expect((await signIn(baseUrl, { origin: `http://${EVIL}`, 'x-forwarded-host': `${EVIL}, ${new URL(baseUrl).host}` })).status).toBe(403);
  });

  it('X-Forwarded-Proto: https does not switch the cookie to __Host-FUSE_SESSION, nor turn on HSTS', async () => {
    const res = await signIn(baseUrl, { 'x-forwarded-proto': 'https' });
    expect(res.status).toBe(200);
    const cookies = sessionCookies(res);
    expect(cookies.map((c) => c.name)).toEqual(['FUSE_SESSION']);
    expect(cookies[0]!.attributes.secure).toBeUndefined();
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });

  it('a request id chosen by the client is not taken, on pages or the API', async () => {
    for (const path of ['/sign-in', '/api/health', '/api/clients', '/api/no-such-route']) {
      const res = await fetch(`${baseUrl}${path}`, { headers: { 'x-request-id': 'attacker-chosen-id' } });
      expect(res.headers.get('x-request-id'), path).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers.get('x-request-id'), path).not.toBe('attacker-chosen-id');
      // Every answer carries the security headers, an API route that does not exist included.
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('content-security-policy'), path).toContain("object-src 'none'");
    }
  });

  it('over plain HTTP a __Host- cookie opens no session', async () => {
    const token = await sessionToken(baseUrl);
    expect((await fetch(`${baseUrl}/api/clients`, { headers: { cookie: `FUSE_SESSION=${token}` } })).status).toBe(200);
    expect((await fetch(`${baseUrl}/api/clients`, { headers: { cookie: `__Host-FUSE_SESSION=${token}` } })).status).toBe(401);
    // Claiming HTTPS does not help either.
    const claimed = await fetch(`${baseUrl}/api/clients`, { headers: { cookie: `__Host-FUSE_SESSION=${token}`, 'x-forwarded-proto': 'https' } });
    expect(claimed.status).toBe(401);
  });
});

describe('forwarded headers from a trusted proxy (TRUSTED_PROXIES=127.0.0.1)', () => {
  const app = embeddedServerFor({ TRUSTED_PROXIES: '127.0.0.1' });
  const https = { 'x-forwarded-proto': 'https' };

  it('X-Forwarded-Host names the host the browser addressed: its Origin is same-origin, any other still 403', async () => {
    const res = await signIn(app().url, { origin: `https://${EVIL}`, 'x-forwarded-host': EVIL, ...https });
    expect(res.status).toBe(200);
    expect((await signIn(app().url, { origin: 'https://other.example', 'x-forwarded-host': EVIL, ...https })).status).toBe(403);
  });

  it("a trusted proxy's request id is kept, on pages and the API; a malformed one is replaced", async () => {
    for (const path of ['/sign-in', '/api/health']) {
      expect((await fetch(`${app().url}${path}`, { headers: { 'x-request-id': 'edge-42' } })).headers.get('x-request-id'), path).toBe('edge-42');
      const odd = await fetch(`${app().url}${path}`, { headers: { 'x-request-id': 'x'.repeat(300) } });
      expect(odd.headers.get('x-request-id'), path).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('behind HTTPS the cookie is __Host-FUSE_SESSION and Secure, and sign-out clears it with matching attributes', async () => {
    const res = await signIn(app().url, https);
    expect(res.status).toBe(200);
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=/);
    const [c] = sessionCookies(res);
    expect(c!.name).toBe('__Host-FUSE_SESSION');
    expect(c!.attributes.secure).toBe(true);
    expect(c!.attributes.path).toBe('/');
    expect(c!.attributes.domain).toBeUndefined();
    expect(c!.attributes.httponly).toBe(true);
    expect((await fetch(`${app().url}/api/clients`, { headers: { cookie: `${c!.name}=${c!.value}`, ...https } })).status).toBe(200);

    const out = await fetch(`${app().url}/api/auth/sign-out`, { method: 'POST', headers: { cookie: `${c!.name}=${c!.value}`, ...https } });
    expect(out.status).toBe(200);
    const cleared = sessionCookies(out).find((x) => x.name === '__Host-FUSE_SESSION');
    // A browser only accepts a __Host- cookie (its deletion included) that is Secure with Path=/.
    expect(cleared).toBeDefined();
    expect(cleared!.value).toBe('');
    expect(cleared!.attributes.secure).toBe(true);
    expect(cleared!.attributes.path).toBe('/');
    expect(new Date(String(cleared!.attributes.expires)).getTime()).toBeLessThan(Date.now());
  });

  it('over HTTPS a plain FUSE_SESSION cookie opens no session: API, live stream, dashboard', async () => {
    const token = await sessionToken(app().url);
    expect((await fetch(`${app().url}/api/clients`, { headers: { cookie: `__Host-FUSE_SESSION=${token}`, ...https } })).status).toBe(200);
    expect((await fetch(`${app().url}/api/clients`, { headers: { cookie: `FUSE_SESSION=${token}`, ...https } })).status).toBe(401);
    expect((await fetch(`${app().url}/api/live`, { headers: { cookie: `FUSE_SESSION=${token}`, ...https } })).status).toBe(401);
    const page = await fetch(`${app().url}/dashboard`, { headers: { cookie: `FUSE_SESSION=${token}`, ...https }, redirect: 'manual' });
    expect(page.status).toBe(307);
    expect(page.headers.get('location')).toContain('/sign-in');
  });
});

/** A POST with headers fetch will not send as given (Host): through node:http to the server's own address. */
function rawPost(baseUrl: string, path: string, headers: Record<string, string>, body: unknown): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(baseUrl);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: hostname,
        port,
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describe('invite links with FUSE_PUBLIC_URL set, behind a trusted proxy', () => {
  // No SMTP_URL in production: the invite answer shows the link for the captain to pass on.
  const PUBLIC_URL = 'https://app.fuse.example';
  const app = embeddedServerFor({ TRUSTED_PROXIES: '127.0.0.1', FUSE_PUBLIC_URL: PUBLIC_URL, SMTP_URL: '' });

  it('a hostile Host or X-Forwarded-Host does not change the invite link’s origin', async () => {
    const server = app();
    const cookie = await signInCookie(server.url);
    const hostile: Record<string, string>[] = [
      {},
      { host: EVIL },
      { host: `${EVIL}:8443` },
      { 'x-forwarded-host': EVIL, 'x-forwarded-proto': 'http' },
      { host: EVIL, 'x-forwarded-host': `${EVIL}, app.fuse.example`, 'x-forwarded-proto': 'https' },
      // Same-origin by the forwarded host (the trusted proxy's word), so the request is let through.
      { host: EVIL, 'x-forwarded-host': EVIL, origin: `https://${EVIL}` },
    ];
    for (const headers of hostile) {
      const res = await rawPost(server.url, '/api/team/invites', { cookie, ...headers }, { email: `link-${randomUUID()}@example.com`, rank: 'crew' });
      expect(res.status, JSON.stringify(headers)).toBe(201);
      const { delivery, link } = JSON.parse(res.body) as { delivery: string; link: string };
      expect(delivery).toBe('shown');
      expect(new URL(link).origin, JSON.stringify(headers)).toBe(PUBLIC_URL);
      expect(link).toMatch(/^https:\/\/app\.fuse\.example\/join\?token=/);
      expect(link).not.toContain(EVIL);
    }
  });
});
