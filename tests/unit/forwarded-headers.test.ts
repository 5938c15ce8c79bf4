import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PEER_HEADER, PEER_MARK, requestOrigin } from '@/fuse/security/client-ip';
import { crossSiteRefusal } from '@/fuse/security/origin';
import { readSessionCookie } from '@/fuse/session/cookie';

/** requestOrigin is the one place that believes X-Forwarded-* (only from TRUSTED_PROXIES). */
const g = globalThis as Record<symbol, unknown>;
const installedBefore = g[PEER_MARK];
beforeAll(() => {
  g[PEER_MARK] = true; // as in the server, where the socket hook records the peer
});
afterAll(() => {
  g[PEER_MARK] = installedBefore;
});

const TRUSTED = ['10.0.0.0/8', '127.0.0.1'];
const untrustedPeer = fc.oneof(fc.ipV4(), fc.ipV6()).filter((ip) => !ip.startsWith('10.') && ip !== '127.0.0.1');
const headerText = fc.string({ maxLength: 40 }).map((s) => s.replace(/[\r\n\0]/g, ''));
const forwarded = fc.record({
  'x-forwarded-for': fc.oneof(fc.ipV4(), headerText),
  'x-forwarded-proto': fc.oneof(fc.constantFrom('https', 'HTTPS', 'https, http', 'http'), headerText),
  'x-forwarded-host': fc.oneof(fc.domain(), headerText),
});

describe('forwarded headers', () => {
  it('from a peer that is not a trusted proxy, they change nothing: address, scheme and host are the socket’s', () => {
    fc.assert(
      fc.property(untrustedPeer, forwarded, fc.domain(), (peer, fwd, host) => {
        const plain = requestOrigin(new Headers({ [PEER_HEADER]: peer, host }), { trustedProxies: TRUSTED, publicUrl: null });
        const withForwarded = requestOrigin(new Headers({ [PEER_HEADER]: peer, host, ...fwd }), { trustedProxies: TRUSTED, publicUrl: null });
        expect(withForwarded).toEqual(plain);
        expect(withForwarded).toMatchObject({ https: false, host: host.toLowerCase(), viaTrustedProxy: false });
      }),
    );
  });

  it('without TRUSTED_PROXIES nobody is trusted, not even loopback', () => {
    const origin = requestOrigin(
      new Headers({ [PEER_HEADER]: '127.0.0.1', host: 'app.test', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example' }),
      {
        trustedProxies: [],
        publicUrl: null,
      },
    );
    expect(origin).toEqual({ ip: '127.0.0.1', https: false, host: 'app.test', viaTrustedProxy: false });
  });

  it('without the socket hook a claimed peer address is not believed', () => {
    g[PEER_MARK] = undefined;
    try {
      const origin = requestOrigin(new Headers({ [PEER_HEADER]: '127.0.0.1', host: 'app.test', 'x-forwarded-proto': 'https' }), {
        trustedProxies: TRUSTED,
        publicUrl: null,
      });
      expect(origin.https).toBe(false);
      expect(origin.viaTrustedProxy).toBe(false);
    } finally {
      g[PEER_MARK] = true;
    }
  });

  it('from a trusted proxy they say how the browser reached FUSE (first entry of a list)', () => {
    const origin = requestOrigin(
      new Headers({
        [PEER_HEADER]: '10.1.2.3',
        host: 'upstream:3000',
        'x-forwarded-for': '198.51.100.7',
        'x-forwarded-proto': 'https, http',
        'x-forwarded-host': 'App.Example.com, inner',
      }),
      { trustedProxies: TRUSTED, publicUrl: null },
    );
    expect(origin).toEqual({ ip: '198.51.100.7', https: true, host: 'app.example.com', viaTrustedProxy: true });
  });

  it('an https:// FUSE_PUBLIC_URL means HTTPS whatever the headers say', () => {
    const origin = requestOrigin(new Headers({ [PEER_HEADER]: '203.0.113.1', host: 'app.example.com', 'x-forwarded-proto': 'http' }), {
      trustedProxies: [],
      publicUrl: 'https://app.example.com',
    });
    expect(origin.https).toBe(true);
  });
});

describe('the Origin check uses the trusted host only', () => {
  const post = (headers: Record<string, string>) => ({
    method: 'POST',
    url: 'http://127.0.0.1:3000/api/clients',
    headers: new Headers({ host: '127.0.0.1:3000', ...headers }),
  });

  it('an untrusted X-Forwarded-Host never widens the allow-list', () => {
    fc.assert(
      fc.property(untrustedPeer, fc.domain(), (peer, evil) => {
        expect(crossSiteRefusal(post({ [PEER_HEADER]: peer, origin: `https://${evil}`, 'x-forwarded-host': evil }))).toMatch(/Origin/);
      }),
    );
  });
});

describe('the session cookie of a scheme', () => {
  const jar = (pairs: Record<string, string>) => ({ get: (name: string) => (name in pairs ? { value: pairs[name]! } : undefined) });

  it('over HTTPS only __Host-FUSE_SESSION counts, over plain HTTP only FUSE_SESSION', () => {
    expect(readSessionCookie(jar({ FUSE_SESSION: 'plain' }), true)).toBeUndefined();
    expect(readSessionCookie(jar({ '__Host-FUSE_SESSION': 'secure' }), true)).toBe('secure');
    expect(readSessionCookie(jar({ '__Host-FUSE_SESSION': 'secure', FUSE_SESSION: 'plain' }), true)).toBe('secure');
    expect(readSessionCookie(jar({ '__Host-FUSE_SESSION': 'secure' }), false)).toBeUndefined();
    expect(readSessionCookie(jar({ FUSE_SESSION: 'plain' }), false)).toBe('plain');
  });
});
