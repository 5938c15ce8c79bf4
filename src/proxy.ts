import { NextResponse, type NextRequest } from 'next/server';
import { config as fuseConfig } from '@/fuse/config';
import { logger } from '@/fuse/observability/logger';
import { rateLimitedTotal } from '@/fuse/observability/metrics';
import { hitRateLimit, rateLimitHeaders, requestRule } from '@/fuse/ratelimit';
import { CLIENT_IP_HEADER, clientIpFromHeaders, ipMatches, PEER_HEADER, REQUEST_ID_HEADER } from '@/fuse/security/client-ip';
import { contentSecurityPolicy, createNonce, staticSecurityHeaders } from '@/fuse/security/headers';
import { crossSiteRefusal } from '@/fuse/security/origin';
import { prerenderedPageFor, prerenderedScriptHashes } from '@/fuse/security/static-csp';
import {
  isSecureRequest,
  PLAIN_COOKIE_NAME,
  readSessionCookie,
  SECURE_COOKIE_NAME,
  sessionCookieName,
  sessionCookieOptions,
} from '@/fuse/session/cookie';
import { signingSecret, verificationSecrets } from '@/fuse/session/secrets';
import { mintSessionToken, verifySessionToken, type Session } from '@/fuse/session/token';

const REQUEST_ID_FORMAT = /^[A-Za-z0-9._:-]{1,128}$/;

function isDashboard(pathname: string) {
  return pathname === '/dashboard' || pathname.startsWith('/dashboard/');
}

/** The socket peer is a configured reverse proxy: only then are its X-* headers believed. */
function fromTrustedProxy(request: NextRequest, trusted: readonly string[]): boolean {
  const peer = request.headers.get(PEER_HEADER);
  return !!peer && trusted.length > 0 && ipMatches(peer, trusted);
}

/** Rewrites the Cookie request header so pages and handlers see the refreshed (or no) session. */
function rewriteSessionCookie(headers: Headers, token: string | null, name: string) {
  const kept = (headers.get('cookie') ?? '')
    .split(';')
    .map((c) => c.trim())
    .filter((c) => c && !c.startsWith(`${SECURE_COOKIE_NAME}=`) && !c.startsWith(`${PLAIN_COOKIE_NAME}=`));
  if (token) kept.push(`${name}=${token}`);
  if (kept.length) headers.set('cookie', kept.join('; '));
  else headers.delete('cookie');
}

type SessionOutcome = { session: Session | null; token: string | null; revoked: boolean };

/**
 * A cookie older than SESSION_REFRESH_SECONDS is checked against the database (session version,
 * current rank) and re-minted, so revocation and demotion reach reads within that window. A
 * database error keeps the cookie as it is: mutations re-check it anyway.
 */
async function refreshSession(session: Session, refreshSeconds: number): Promise<SessionOutcome> {
  if (Date.now() / 1000 - session.issuedAt < refreshSeconds) return { session, token: null, revoked: false };
  try {
    const [{ getDb }, { recheckSession }] = await Promise.all([
      import('@/fuse/db/client'),
      import('@/fuse/session/revocation'),
    ]);
    const fresh = await recheckSession(getDb(), session);
    if (!fresh) return { session: null, token: null, revoked: true };
    const token = await mintSessionToken(fresh, signingSecret());
    return { session: fresh, token, revoked: false };
  } catch (err) {
    logger.warn({ err: (err as Error).message }, 'session refresh skipped: database unavailable');
    return { session, token: null, revoked: false };
  }
}

/**
 * The first step of every request (Node runtime): request id, per-IP rate limit, cross-site
 * mutation refusal for the API, session verification and refresh, security headers and a per-request
 * CSP nonce. It is a convenience for sessions, never the only gate: every data access verifies the
 * session again, and every mutation re-checks it against the database.
 */
export async function proxy(request: NextRequest) {
  const cfg = fuseConfig();
  const { pathname, search } = request.nextUrl;
  const trustedPeer = fromTrustedProxy(request, cfg.trustedProxies);
  // `next start` serves plain HTTP; HTTPS is terminated by a trusted reverse proxy that says so.
  const https = trustedPeer && request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
  const incomingId = trustedPeer ? request.headers.get(REQUEST_ID_HEADER) : null;
  const requestId = incomingId && REQUEST_ID_FORMAT.test(incomingId) ? incomingId : crypto.randomUUID();
  const ip = clientIpFromHeaders(request.headers, cfg.trustedProxies);

  const requestHeaders = new Headers(request.headers);
  requestHeaders.set(REQUEST_ID_HEADER, requestId);
  requestHeaders.set(CLIENT_IP_HEADER, ip);

  // Content-Security-Policy: hashes for prerendered public pages (served from cache, no nonce),
  // a fresh nonce for everything rendered per request. Next reads the nonce from the request header.
  const prerendered = request.method === 'GET' || request.method === 'HEAD' ? prerenderedPageFor(pathname) : null;
  const staticHashes = prerendered ? prerenderedScriptHashes(prerendered) : null;
  const cspBase = { https, assetOrigin: cfg.cdnUrl ? new URL(cfg.cdnUrl).origin : null, development: !cfg.production };
  let csp: string;
  if (staticHashes) {
    csp = contentSecurityPolicy({ ...cspBase, scriptHashes: staticHashes });
  } else {
    const nonce = createNonce();
    // The prerendered not-found page can answer any URL; its inline scripts are allowed by hash.
    csp = contentSecurityPolicy({ ...cspBase, nonce, scriptHashes: prerenderedScriptHashes('_not-found') ?? [] });
    requestHeaders.set('content-security-policy', csp);
  }

  const decorate = (response: NextResponse, extra: Record<string, string> = {}) => {
    for (const [k, v] of Object.entries(staticSecurityHeaders(https))) response.headers.set(k, v);
    response.headers.set('Content-Security-Policy', csp);
    response.headers.set('X-Request-Id', requestId);
    for (const [k, v] of Object.entries(extra)) response.headers.set(k, v);
    return response;
  };

  const rule = requestRule();
  const decision = await hitRateLimit(`req:${ip}`, rule, 'memory');
  const limitHeaders = rateLimitHeaders(decision, rule);
  if (!decision.allowed) {
    const body = pathname.startsWith('/api/')
      ? JSON.stringify({ error: 'Too many requests. Slow down and try again shortly.' })
      : 'Too many requests. Slow down and try again shortly.\n';
    const type = pathname.startsWith('/api/') ? 'application/json' : 'text/plain; charset=utf-8';
    rateLimitedTotal.inc({ scope: 'request' });
    return decorate(new NextResponse(body, { status: 429, headers: { 'Content-Type': type, 'Cache-Control': 'no-store' } }), limitHeaders);
  }

  if (pathname.startsWith('/api/')) {
    const refusal = crossSiteRefusal(request);
    if (refusal) {
      return decorate(
        NextResponse.json(
          { error: 'Cross-site requests cannot change data.' },
          { status: 403, headers: { 'Cache-Control': 'private, no-store' } },
        ),
        limitHeaders,
      );
    }
  }

  const verified = await verifySessionToken(readSessionCookie(request.cookies), verificationSecrets());
  // Prerendered public pages are cacheable by a CDN: never attach a Set-Cookie to them.
  const outcome: SessionOutcome =
    verified && !staticHashes
      ? await refreshSession(verified, cfg.session.refreshSeconds)
      : { session: verified, token: null, revoked: false };
  const secureCookie = isSecureRequest(process.env.FUSE_PUBLIC_URL ?? '', request.headers);
  const cookieName = sessionCookieName(secureCookie);
  if (outcome.revoked || outcome.token) rewriteSessionCookie(requestHeaders, outcome.token, cookieName);

  const applyCookie = (response: NextResponse) => {
    if (outcome.token) response.cookies.set(cookieName, outcome.token, sessionCookieOptions(secureCookie));
    if (outcome.revoked) {
      for (const secure of [true, false]) {
        const { httpOnly, sameSite, path } = sessionCookieOptions(secure);
        response.cookies.set(sessionCookieName(secure), '', { httpOnly, sameSite, path, secure, maxAge: 0 });
      }
    }
    return response;
  };

  if (!outcome.session && isDashboard(pathname)) {
    const signIn = new URL('/sign-in', request.url);
    signIn.searchParams.set('next', pathname + search);
    return applyCookie(decorate(NextResponse.redirect(signIn), limitHeaders));
  }
  if (outcome.session && (pathname === '/sign-in' || pathname === '/sign-up')) {
    return applyCookie(decorate(NextResponse.redirect(new URL('/dashboard', request.url)), limitHeaders));
  }
  return applyCookie(decorate(NextResponse.next({ request: { headers: requestHeaders } }), limitHeaders));
}

export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
