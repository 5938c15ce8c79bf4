import { NextResponse, type NextRequest } from 'next/server';
import { config as fuseConfig } from '@/fuse/config';
import { REQUEST_ID_HEADER } from '@/fuse/security/client-ip';
import { checkRequestRate, requestIdentity, responseCsp, setResponseSecurityHeaders, TOO_MANY_REQUESTS } from '@/fuse/security/request-policy';
import { prerenderedPageFor, prerenderedScriptHashes } from '@/fuse/security/static-csp';
import { PLAIN_COOKIE_NAME, SECURE_COOKIE_NAME, sessionCookieName, sessionCookieWrites } from '@/fuse/session/cookie';
import { sessionFromCookies } from '@/fuse/session/refresh';

function isDashboard(pathname: string) {
  return pathname === '/dashboard' || pathname.startsWith('/dashboard/');
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

/**
 * The first step of every page request (Node runtime): request id, per-IP rate limit, session
 * verification and refresh, security headers and a per-request CSP nonce. It is a convenience for sessions, never the only gate: every data access verifies the
 * session again, and every mutation re-checks it against the database.
 */
export async function proxy(request: NextRequest) {
  const cfg = fuseConfig();
  const { pathname, search } = request.nextUrl;
  // `next start` serves plain HTTP; HTTPS is terminated by a trusted reverse proxy that says so.
  const { https, requestId, ip } = requestIdentity(request.headers, cfg);

  const requestHeaders = new Headers(request.headers);
  requestHeaders.set(REQUEST_ID_HEADER, requestId);

  // Content-Security-Policy: hashes for prerendered public pages (served from cache, no nonce),
  // a fresh nonce for everything rendered per request. Next reads the nonce from the request header.
  const prerendered = request.method === 'GET' || request.method === 'HEAD' ? prerenderedPageFor(pathname) : null;
  const staticHashes = prerendered ? prerenderedScriptHashes(prerendered) : null;
  const csp = responseCsp(https, staticHashes);
  if (!staticHashes) requestHeaders.set('content-security-policy', csp);

  const decorate = (response: NextResponse, extra: Record<string, string> = {}) => {
    setResponseSecurityHeaders(response.headers, https, csp, requestId);
    for (const [k, v] of Object.entries(extra)) response.headers.set(k, v);
    return response;
  };

  const { allowed, headers: limitHeaders } = await checkRequestRate(ip, 'general');
  if (!allowed) {
    return decorate(
      new NextResponse(`${TOO_MANY_REQUESTS}\n`, {
        status: 429,
        headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
      }),
      limitHeaders,
    );
  }

  // Over HTTPS only the __Host- cookie counts, over plain HTTP only the plain one.
  // Prerendered public pages are cacheable by a CDN: never attach a Set-Cookie to them.
  const outcome = await sessionFromCookies(request.cookies, https, cfg.session.refreshSeconds, !staticHashes);
  const cookieName = sessionCookieName(https);
  if (outcome.revoked || outcome.token) rewriteSessionCookie(requestHeaders, outcome.token, cookieName);

  const applyCookie = (response: NextResponse) => {
    for (const { name, value, options } of sessionCookieWrites({ token: outcome.token, cleared: outcome.revoked }, https)) {
      response.cookies.set(name, value, options);
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

/**
 * Pages only. The API (`/api/…`) runs the same policy in its handlers' wrapper (src/fuse/http/handler.ts):
 * Next running a proxy in front of a route handler cost more CPU than the handler (docs/scaling.md).
 */
export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico|api/).*)'],
};
