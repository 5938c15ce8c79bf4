import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertPagePolicyRan, interceptPageRequest, isPagePath, PAGE_POLICY_HEADER, pagePolicy } from '@/fuse/http/page-policy';
import { installPeerAddress, interceptHttpRequest } from '@/fuse/security/peer-address';
import { signingSecret } from '@/fuse/session/secrets';
import { mintSessionToken } from '@/fuse/session/token';

const get = (pathname: string, headers: Record<string, string> = {}, search = '') => ({
  method: 'GET',
  pathname,
  search,
  headers: new Headers(headers),
});

async function sessionCookie(): Promise<string> {
  const token = await mintSessionToken(
    {
      userId: '00000000-0000-4000-8000-0000000000a1',
      businessId: '00000000-0000-4000-8000-0000000000b1',
      rank: 'captain',
      email: 'captain@example.com',
      name: 'Captain',
      theme: 'system',
      sessionVersion: 1,
      sessionId: '00000000-0000-4000-8000-000000000001',
      sessionExpiresAt: Math.floor(Date.now() / 1000) + 3600,
    },
    signingSecret(),
  );
  return `FUSE_SESSION=${token}`;
}

describe('page policy', () => {
  it('covers pages, not the API, built assets or the app icons (the proxy matcher’s paths)', () => {
    for (const p of ['/', '/dashboard', '/dashboard/clients', '/sign-in', '/api', '/apiary', '/_next/data/x.json'])
      expect(isPagePath(p), p).toBe(true);
    for (const p of ['/api/clients', '/api/live', '/_next/static/chunks/a.js', '/_next/image', '/favicon.ico', '/icon.svg'])
      expect(isPagePath(p), p).toBe(false);
  });

  it('replaces a client’s CSP headers and request id with its own, a fresh nonce each time', async () => {
    const hostile = {
      'content-security-policy': "script-src 'nonce-chosen'",
      'content-security-policy-report-only': "script-src 'nonce-chosen'",
      'x-request-id': 'chosen-id',
    };
    const a = await pagePolicy(get('/sign-in', hostile));
    const b = await pagePolicy(get('/sign-in', hostile));
    expect(a.answer).toBeNull();
    expect(a.request['content-security-policy-report-only']).toBeNull();
    const nonce = (p: typeof a) => /'nonce-([^']+)'/.exec(p.request['content-security-policy'] ?? '')?.[1];
    expect(nonce(a)).toMatch(/^[A-Za-z0-9+/=]{16,}$/);
    expect(nonce(a)).not.toBe('chosen');
    expect(nonce(b)).not.toBe(nonce(a));
    expect(a.request['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const responseCsp = a.response.find(([name]) => name === 'Content-Security-Policy')?.[1];
    expect(responseCsp).toBe(a.request['content-security-policy']);
  });

  it('sends a signed-out visitor of the dashboard to sign-in with where they were going, and a signed-in one away from sign-in', async () => {
    const out = await pagePolicy(get('/dashboard/clients', {}, '?status=lead'));
    expect(out.answer).toEqual({ status: 307, location: '/sign-in?next=%2Fdashboard%2Fclients%3Fstatus%3Dlead' });
    const forged = await pagePolicy(get('/dashboard', { cookie: 'FUSE_SESSION=eyJhbGciOiJub25lIn0.e30.' }));
    expect(forged.answer).toMatchObject({ status: 307 });
    const cookie = await sessionCookie();
    expect((await pagePolicy(get('/dashboard', { cookie }))).answer).toBeNull();
    expect((await pagePolicy(get('/sign-in', { cookie }))).answer).toEqual({ status: 307, location: '/dashboard' });
    // A client's own X-Forwarded-Proto is not believed (no trusted proxy): still plain HTTP, no HSTS.
    const spoofed = await pagePolicy(get('/dashboard', { cookie, 'x-forwarded-proto': 'https' }));
    expect(spoofed.answer).toBeNull();
    expect(spoofed.response.some(([name]) => name.toLowerCase() === 'strict-transport-security')).toBe(false);
  });

  it('refuses a policy mark the server did not set', () => {
    expect(() => assertPagePolicyRan(new Headers())).not.toThrow();
    expect(() => assertPagePolicyRan(new Headers({ [PAGE_POLICY_HEADER]: 'forged' }))).toThrow(/sent by the client/);
    expect(() => assertPagePolicyRan(new Headers({ [PAGE_POLICY_HEADER]: '' }))).toThrow();
  });

  it('the proxy is skipped exactly for requests carrying the mark (the matcher names the same header)', () => {
    const proxy = readFileSync(path.join(import.meta.dirname, '../../src/proxy.ts'), 'utf8');
    expect(proxy).toContain(`missing: [{ type: 'header', key: '${PAGE_POLICY_HEADER}' }]`);
  });
});

describe('page policy on the Node server', () => {
  let server: http.Server;
  let base = '';
  const seen: http.IncomingHttpHeaders[] = [];

  beforeAll(async () => {
    installPeerAddress();
    interceptHttpRequest(interceptPageRequest);
    server = http.createServer((req, res) => {
      seen.push(req.headers);
      res.end('from the app');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('hands a page to the app with its nonce, request id and mark set, and the headers on the answer', async () => {
    seen.length = 0;
    const res = await fetch(`${base}/sign-in`, {
      headers: { 'content-security-policy': "script-src 'nonce-chosen'", [PAGE_POLICY_HEADER]: 'forged' },
    });
    expect(await res.text()).toBe('from the app');
    const req = seen[0]!;
    expect(req['content-security-policy']).toBe(res.headers.get('content-security-policy'));
    expect(req['content-security-policy']).not.toContain('chosen');
    expect(req['x-request-id']).toBe(res.headers.get('x-request-id'));
    expect(req[PAGE_POLICY_HEADER]).not.toBe('forged');
    expect(() => assertPagePolicyRan(new Headers({ [PAGE_POLICY_HEADER]: String(req[PAGE_POLICY_HEADER]) }))).not.toThrow();
    expect(res.headers.get('x-frame-options')).toBeTruthy();
    expect(res.headers.get('ratelimit-limit')).toBeTruthy();
  });

  it('decides on the path as Next routes it: dot segments and absolute-form targets do not skip the redirect', async () => {
    const raw = (target: string) =>
      new Promise<http.IncomingMessage>((resolve, reject) => {
        const r = http.request({ host: '127.0.0.1', port: Number(new URL(base).port), path: target, method: 'GET' }, (res) => {
          res.resume();
          resolve(res);
        });
        r.on('error', reject);
        r.end();
      });
    seen.length = 0;
    for (const target of ['/sign-in/../dashboard', '/api/../dashboard', 'http://elsewhere.example/dashboard', '/x/%2e%2e/dashboard']) {
      const res = await raw(target);
      expect(res.statusCode, target).toBe(307);
      expect(res.headers.location, target).toBe('/sign-in?next=%2Fdashboard');
    }
    expect(seen).toHaveLength(0);
    // Next's own RSC parameter is not part of where the visitor was going.
    const rsc = await fetch(`${base}/dashboard/clients?_rsc=abc&status=lead`, { redirect: 'manual' });
    expect(new URL(rsc.headers.get('location')!, base).searchParams.get('next')).toBe('/dashboard/clients?status=lead');
  });

  it('answers a redirect itself, and strips the mark from requests outside the pages', async () => {
    seen.length = 0;
    const res = await fetch(`${base}/dashboard`, { redirect: 'manual' });
    expect(res.status).toBe(307);
    expect(res.headers.get('location')).toBe('/sign-in?next=%2Fdashboard');
    expect(seen).toHaveLength(0);
    await fetch(`${base}/api/anything`, { headers: { [PAGE_POLICY_HEADER]: 'forged' } }).then((r) => r.text());
    expect(seen[0]![PAGE_POLICY_HEADER]).toBeUndefined();
    expect(seen[0]!['content-security-policy']).toBeUndefined();
  });
});
