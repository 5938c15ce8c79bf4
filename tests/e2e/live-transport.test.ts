import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer, startSeededEmbeddedDatabase, type AppServer } from '../setup/app-server';
import { baseEnv, signInCookie } from './hardening-support';
import { createClientOverApi, newClientBody } from './live-helpers';

/**
 * GET /api/live is served on the Node HTTP server before Next (src/fuse/live/node-transport.ts).
 * These tests hold it to everything the proxy and the route handler gave it: security headers,
 * request id, rate limit, session checks with refresh and revocation, 400 / 401 / 429, and streams
 * that end cleanly on SIGTERM.
 */
const SECURITY = [
  'x-dns-prefetch-control',
  'x-frame-options',
  'x-content-type-options',
  'x-xss-protection',
  'referrer-policy',
  'permissions-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'content-security-policy',
];

function expectSecurityHeaders(headers: Headers, what: string) {
  for (const h of SECURITY) expect(headers.get(h), `${h} on ${what}`).toBeTruthy();
  const csp = headers.get('content-security-policy')!;
  expect(csp).toContain("object-src 'none'");
  const scriptSrc = csp
    .split(';')
    .map((d) => d.trim())
    .find((d) => d.startsWith('script-src'))!;
  expect(scriptSrc).toMatch(/^script-src 'self' 'nonce-[^']+'/);
  expect(scriptSrc).not.toContain("'unsafe-inline'");
  expect(scriptSrc).not.toContain("'unsafe-eval'");
  expect(headers.get('x-request-id'), `x-request-id on ${what}`).toMatch(/^[0-9a-f-]{36}$/);
  expect(headers.get('ratelimit-limit'), `RateLimit-Limit on ${what}`).toBe('40');
}

/** Streams this file cut itself (client side) before they ended: the server counts them as not answered in full. */
let cutByClient = 0;

type RawStream = { status: number; headers: http.IncomingHttpHeaders; text: () => string; ended: Promise<'end' | 'cut'>; close: () => void };

/** GET /api/live over node:http, to see whether the body ends with the chunked terminator ('end') or is cut. */
function rawStream(port: number, headers: Record<string, string>): Promise<RawStream> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/api/live', agent: false, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      let over = false;
      const ended = new Promise<'end' | 'cut'>((done) => {
        res.on('end', () => done('end'));
        res.on('aborted', () => done('cut'));
        res.on('error', () => done('cut'));
      }).finally(() => (over = true));
      const close = () => {
        if (!over && res.statusCode === 200) cutByClient += 1;
        req.destroy();
      };
      resolve({ status: res.statusCode ?? 0, headers: res.headers, text: () => body, ended, close });
    });
    req.on('error', reject);
  });
}

async function until(check: () => boolean, ms = 5_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('GET /api/live on the Node server', () => {
  let db: Awaited<ReturnType<typeof startSeededEmbeddedDatabase>>;
  let server: AppServer;
  // Each test is "a client" behind the trusted loopback proxy: its own rate-limit budget.
  let client = 0;
  const as = () => ({ 'x-forwarded-for': `198.51.100.${++client}` });

  beforeAll(async () => {
    db = await startSeededEmbeddedDatabase();
    server = await startAppServer(
      baseEnv({
        FUSE_EMBEDDED_DATABASE_URL: db.url,
        FUSE_ALLOW_EMBEDDED: '1',
        DATABASE_URL: '',
        RATE_LIMIT_MAX: '40',
        RATE_LIMIT_WINDOW_SECONDS: '60',
        TRUSTED_PROXIES: '127.0.0.1',
        SESSION_REFRESH_SECONDS: '1',
        NEXT_MANUAL_SIG_HANDLE: 'true',
        SHUTDOWN_GRACE_SECONDS: '20',
      }),
    );
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await db?.stop();
  });

  it('a stream carries the security headers, a request id, the rate-limit headers and the event-stream headers', async () => {
    const from = as();
    const cookie = await signInCookie(server.url, undefined, undefined, from);
    const stream = await rawStream(server.port, { cookie, accept: 'text/event-stream', ...from, 'x-request-id': 'not a valid id!' });
    try {
      expect(stream.status).toBe(200);
      const headers = new Headers(stream.headers as Record<string, string>);
      expectSecurityHeaders(headers, 'the stream');
      expect(headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      expect(headers.get('cache-control')).toBe('no-store, no-transform');
      expect(headers.get('transfer-encoding')).toBe('chunked');
      expect(headers.get('strict-transport-security')).toBeNull();
      // Served before Next: its route responses carry `Vary: rsc, next-router-state-tree, …`.
      expect(headers.get('vary')).toBeNull();
      await until(() => stream.text().includes('event: ready'));
      expect(stream.text()).toMatch(/^retry: 2000\nevent: ready\ndata: \{"position":\d+\}\n\n/);
    } finally {
      stream.close();
    }
  });

  it('believes the request id and HTTPS of a trusted proxy', async () => {
    const from = as();
    // Over HTTPS only the __Host- cookie counts: sign in over HTTPS too.
    const cookie = await signInCookie(server.url, undefined, undefined, { ...from, 'x-forwarded-proto': 'https' });
    expect(cookie).toMatch(/^__Host-FUSE_SESSION=/);
    const stream = await rawStream(server.port, { cookie, ...from, 'x-request-id': 'edge-req-42', 'x-forwarded-proto': 'https' });
    try {
      expect(stream.status).toBe(200);
      expect(stream.headers['x-request-id']).toBe('edge-req-42');
      expect(stream.headers['strict-transport-security']).toMatch(/max-age=/);
      expect(stream.headers['content-security-policy']).toContain('upgrade-insecure-requests');
    } finally {
      stream.close();
    }
  });

  it('401 without a valid session, with the security headers', async () => {
    for (const cookie of [undefined, 'FUSE_SESSION=not-a-token']) {
      const res = await fetch(`${server.url}/api/live`, { headers: { ...as(), ...(cookie ? { cookie } : {}) } });
      expect(res.status).toBe(401);
      expect(res.headers.get('cache-control')).toBe('private, no-store');
      expect(await res.json()).toEqual({ error: 'Sign in to continue.' });
      expectSecurityHeaders(res.headers, '401');
    }
  });

  it('400 for a malformed resume position, from ?after= or Last-Event-ID', async () => {
    const from = as();
    const cookie = await signInCookie(server.url, undefined, undefined, from);
    const bad = [
      fetch(`${server.url}/api/live?after=abc`, { headers: { cookie, ...from } }),
      fetch(`${server.url}/api/live`, { headers: { cookie, ...from, 'last-event-id': '-1' } }),
    ];
    for (const res of await Promise.all(bad)) {
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/outbox id/);
      expectSecurityHeaders(res.headers, '400');
    }
  });

  it('re-checks an old cookie: re-minted while valid, 401 and cleared once revoked', async () => {
    const from = as();
    const cookie = await signInCookie(server.url, 'crew@demo.fuse.dev', undefined, from);
    await new Promise((r) => setTimeout(r, 1_100));
    const fresh = await rawStream(server.port, { cookie, ...from });
    fresh.close();
    expect(fresh.status).toBe(200);
    const set = fresh.headers['set-cookie'] ?? [];
    expect(set.join()).toMatch(/HttpOnly/);
    const renewed = set.find((c) => c.startsWith('FUSE_SESSION='))?.split(';')[0];
    expect(renewed).toMatch(/^FUSE_SESSION=./);
    expect(renewed).not.toBe(cookie);

    const out = await fetch(`${server.url}/api/auth/sign-out-everywhere`, {
      method: 'POST',
      headers: { cookie: renewed!, origin: server.url, ...from },
    });
    expect(out.status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_100));
    const revoked = await fetch(`${server.url}/api/live`, { headers: { cookie: renewed!, ...from } });
    expect(revoked.status).toBe(401);
    expect(revoked.headers.getSetCookie().join()).toMatch(/FUSE_SESSION=;/);
  });

  it('429 once the client has used its request budget, with Retry-After and the security headers', async () => {
    const from = as();
    const cookie = await signInCookie(server.url, undefined, undefined, from);
    let status = 0;
    for (let i = 0; i < 60 && status !== 429; i++) {
      const res = await fetch(`${server.url}/api/public/stats`, { headers: from });
      await res.arrayBuffer();
      status = res.status;
    }
    expect(status).toBe(429);
    const res = await fetch(`${server.url}/api/live`, { headers: { cookie, ...from } });
    expect(res.status).toBe(429);
    expect(await res.json()).toEqual({ error: 'Too many requests. Slow down and try again shortly.' });
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(res.headers.get('ratelimit-remaining')).toBe('0');
    expectSecurityHeaders(res.headers, '429');
    // Another client is not affected.
    const other = as();
    expect((await fetch(`${server.url}/api/live`, { headers: other })).status).toBe(401);
  });

  it('SIGTERM ends open streams cleanly and the server exits at once, every request answered in full', async () => {
    const from = as();
    const cookie = await signInCookie(server.url, undefined, undefined, from);
    const streams = await Promise.all([rawStream(server.port, { cookie, ...from }), rawStream(server.port, { cookie, ...from })]);
    for (const s of streams) await until(() => s.text().includes('event: ready'));
    expect((await createClientOverApi(server.url, cookie, newClientBody('sigterm'), from)).status).toBe(201);
    for (const s of streams) await until(() => /\nid: \d+\n/.test(s.text()));

    const started = Date.now();
    const exit = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
    server.child.kill('SIGTERM');
    expect(await Promise.all(streams.map((s) => s.ended))).toEqual(['end', 'end']);
    expect(await exit).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    const summary = /shutdown \(SIGTERM\): (\d+) requests accepted, (\d+) answered in full, (\d+) in flight/.exec(server.output());
    expect(summary, server.output()).not.toBeNull();
    const [accepted, complete, inFlight] = summary!.slice(1).map(Number) as [number, number, number];
    // Everything but the streams this file cut itself was answered in full, the two open streams included.
    expect(cutByClient).toBeGreaterThan(0);
    expect(accepted - complete).toBe(cutByClient);
    expect(inFlight).toBeGreaterThanOrEqual(2);
    expect(server.output()).not.toMatch(/still running after/);
  });
});
