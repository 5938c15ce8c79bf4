import { describe, expect, it } from 'vitest';
import { clientIpFromHeaders, ipMatches, PEER_HEADER, PEER_MARK, resolveClientIp } from '@/fuse/security/client-ip';
import { contentSecurityPolicy, createNonce, staticSecurityHeaders } from '@/fuse/security/headers';
import { crossSiteRefusal } from '@/fuse/security/origin';
import { inlineScriptHashes } from '@/fuse/security/static-csp';
import { MemoryStore, rateLimitHeaders } from '@/fuse/ratelimit/sliding-window';

describe('client address', () => {
  it('takes the socket peer and ignores X-Forwarded-For without trusted proxies', () => {
    expect(resolveClientIp('203.0.113.9', '1.2.3.4', [])).toBe('203.0.113.9');
    expect(resolveClientIp('::ffff:203.0.113.9', null, [])).toBe('203.0.113.9');
  });

  it('walks X-Forwarded-For from the right past trusted proxies only', () => {
    const trusted = ['10.0.0.0/8', '127.0.0.1'];
    // The client wrote "6.6.6.6" itself; the trusted proxy appended the real address.
    expect(resolveClientIp('127.0.0.1', '6.6.6.6, 198.51.100.7', trusted)).toBe('198.51.100.7');
    expect(resolveClientIp('127.0.0.1', '6.6.6.6, 198.51.100.7, 10.1.2.3', trusted)).toBe('198.51.100.7');
    // An untrusted peer is the client, whatever it forwards.
    expect(resolveClientIp('198.51.100.8', '6.6.6.6', trusted)).toBe('198.51.100.8');
  });

  it('matches IPv4 and IPv6 CIDR ranges', () => {
    expect(ipMatches('10.20.30.40', ['10.0.0.0/8'])).toBe(true);
    expect(ipMatches('11.0.0.1', ['10.0.0.0/8'])).toBe(false);
    expect(ipMatches('fd00::1', ['fd00::/8'])).toBe(true);
    expect(ipMatches('2001:db8::1', ['fd00::/8'])).toBe(false);
    expect(ipMatches('::1', ['::1'])).toBe(true);
  });

  it('reads the peer header only when the socket hook is installed', () => {
    const headers = new Headers({ [PEER_HEADER]: '203.0.113.5', 'x-forwarded-for': '9.9.9.9' });
    const g = globalThis as Record<symbol, unknown>;
    const before = g[PEER_MARK];
    try {
      g[PEER_MARK] = true;
      expect(clientIpFromHeaders(headers, [])).toBe('203.0.113.5');
    } finally {
      g[PEER_MARK] = before;
    }
  });
});

describe('security headers', () => {
  it('builds a nonce CSP without unsafe-inline or unsafe-eval in script-src', () => {
    const nonce = createNonce();
    const csp = contentSecurityPolicy({ nonce });
    const scriptSrc = csp.split('; ').find((d) => d.startsWith('script-src '))!;
    expect(scriptSrc).toContain(`'nonce-${nonce}'`);
    expect(scriptSrc).not.toContain('unsafe-inline');
    expect(scriptSrc).not.toContain('unsafe-eval');
    for (const d of ["object-src 'none'", "base-uri 'self'", "frame-ancestors 'self'"]) expect(csp).toContain(d);
    expect(createNonce()).not.toBe(nonce);
  });

  it('sends HSTS only over HTTPS', () => {
    expect(staticSecurityHeaders(false)['Strict-Transport-Security']).toBeUndefined();
    expect(staticSecurityHeaders(true)['Strict-Transport-Security']).toMatch(/max-age=\d+/);
  });

  it('hashes inline scripts of prerendered HTML but not external ones', () => {
    const hashes = inlineScriptHashes('<script src="/a.js"></script><script>alert(1)</script><script nonce="x">b()</script>');
    expect(hashes).toHaveLength(2);
    expect(hashes[0]).toBe('sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI=');
  });
});

describe('cross-site mutation refusal', () => {
  const req = (method: string, headers: Record<string, string>) => ({
    method,
    url: 'http://app.test/api/clients',
    headers: new Headers({ host: 'app.test', ...headers }),
  });
  it('refuses cross-site browser mutations and allows same-origin and non-browser ones', () => {
    expect(crossSiteRefusal(req('POST', { 'sec-fetch-site': 'cross-site' }))).toMatch(/cross-site/);
    expect(crossSiteRefusal(req('DELETE', { origin: 'https://evil.test' }))).toMatch(/evil/);
    expect(crossSiteRefusal(req('POST', { origin: 'null' }))).not.toBeNull();
    expect(crossSiteRefusal(req('POST', { origin: 'http://app.test', 'sec-fetch-site': 'same-origin' }))).toBeNull();
    expect(crossSiteRefusal(req('POST', {}))).toBeNull();
    expect(crossSiteRefusal(req('GET', { 'sec-fetch-site': 'cross-site' }))).toBeNull();
  });
});

describe('sliding-window limiter (memory)', () => {
  it('allows max per window, then 429 with the time until a slot frees', async () => {
    let now = 1_000_000;
    const store = new MemoryStore(1000, () => now);
    const rule = { max: 100, windowMs: 10_000 };
    for (let i = 0; i < 100; i++) expect((await store.hit('a', rule)).allowed).toBe(true);
    const denied = await store.hit('a', rule);
    expect(denied.allowed).toBe(false);
    expect(rateLimitHeaders(denied, rule)['Retry-After']).toBe('10');
    expect(rateLimitHeaders(denied, rule)['RateLimit-Remaining']).toBe('0');
    expect((await store.hit('b', rule)).allowed).toBe(true);
    now += 10_001;
    expect((await store.hit('a', rule)).allowed).toBe(true);
  });

  it('slides: a burst late in one window still counts early in the next', async () => {
    let now = 0;
    const store = new MemoryStore(1000, () => now);
    const rule = { max: 10, windowMs: 10_000 };
    now = 9_000; // late in the fixed window [0, 10 s)
    for (let i = 0; i < 10; i++) expect((await store.hit('k', rule)).allowed).toBe(true);
    now = 10_500; // a fixed window would have reset here
    const d = await store.hit('k', rule);
    expect(d.allowed).toBe(false);
    expect(d.resetMs).toBe(8_500);
    now = 19_001;
    expect((await store.hit('k', rule)).allowed).toBe(true);
  });

  it('peek decides without counting', async () => {
    const store = new MemoryStore();
    const rule = { max: 2, windowMs: 60_000 };
    for (let i = 0; i < 5; i++) expect((await store.peek('p', rule)).allowed).toBe(true);
    await store.hit('p', rule);
    await store.hit('p', rule);
    expect((await store.peek('p', rule)).allowed).toBe(false);
  });

  it('bounds the number of keys it remembers', async () => {
    const store = new MemoryStore(10);
    for (let i = 0; i < 50; i++) await store.hit(`ip${i}`, { max: 1, windowMs: 60_000 });
    expect((await store.hit('ip0', { max: 1, windowMs: 60_000 })).allowed).toBe(true);
  });
});
