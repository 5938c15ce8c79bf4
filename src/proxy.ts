import { NextResponse, type NextRequest } from 'next/server';
import { config as fuseConfig } from '@/fuse/config';
import { CLIENT_IP_HEADER, REQUEST_ID_HEADER } from '@/fuse/security/client-ip';
import { crossSiteRefusal } from '@/fuse/security/origin';
import { checkRequestRate, requestIdentity, responseCsp, setResponseSecurityHeaders, TOO_MANY_REQUESTS } from '@/fuse/security/request-policy';
import { prerenderedPageFor, prerenderedScriptHashes } from '@/fuse/security/static-csp';
import { PLAIN_COOKIE_NAME, SECURE_COOKIE_NAME, sessionCookieName, sessionCookieWrites } from '@/fuse/session/cookie';
import { sessionFromCookies } from '@/fuse/session/refresh';

/**
 * Routes whose answer to a write sets (or clears) the session cookie itself: sign-in, sign-up,
 * sign-out, password change and reset, business switch, theme, invite acceptance, account deletion,
 * "this wasn't me", ending a session. A cookie the proxy refreshed
 * on the same response would be a second Set-Cookie for the same name, and the one the browser keeps
 * could be the stale one (a password change would then sign this device out).
 */
const SESSION_WRITING_ROUTES = new Set([
  '/api/auth/sign-in',
  '/api/auth/sign-up',
  '/api/auth/sign-out',
  '/api/auth/sign-out-everywhere',
  '/api/auth/password',
  '/api/business/switch',
  '/api/settings',
  '/api/team/invites/accept',
  '/api/auth/password-reset/confirm',
  '/api/account',
  '/api/account/email/revert',
  '/api/auth/sessions/[id]',
]);

/** The listed routes with a `[param]` segment, as patterns matching one path segment there. */
const SESSION_WRITING_PATTERNS = [...SESSION_WRITING_ROUTES]
  .filter((r) => r.includes('['))
  .map((r) => new RegExp(`^${r.replace(/\[[^\]]+\]/g, '[^/]+')}$`));

function writesSessionCookie(pathname: string): boolean {
  return SESSION_WRITING_ROUTES.has(pathname) || SESSION_WRITING_PATTERNS.some((p) => p.test(pathname));
}

/**
 * Server-to-server webhooks: signed by their sender (checked by the route), sent without cookies or
 * Origin. They skip the cross-site refusal and the session, and have a rate budget of their own.
 */
const WEBHOOK_ROUTES = new Set(['/api/billing/webhook']);

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
 * The first step of every request (Node runtime): request id, per-IP rate limit, cross-site
 * mutation refusal for the API, session verification and refresh, security headers and a per-request
 * CSP nonce. It is a convenience for sessions, never the only gate: every data access verifies the
 * session again, and every mutation re-checks it against the database.
 */
export async function proxy(request: NextRequest) {
  const cfg = fuseConfig();
  const { pathname, search } = request.nextUrl;
  // `next start` serves plain HTTP; HTTPS is terminated by a trusted reverse proxy that says so.
  const { https, requestId, ip } = requestIdentity(request.headers, cfg);

  const requestHeaders = new Headers(request.headers);
  requestHeaders.set(REQUEST_ID_HEADER, requestId);
  requestHeaders.set(CLIENT_IP_HEADER, ip);

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

  const webhook = WEBHOOK_ROUTES.has(pathname);
  const { allowed, headers: limitHeaders } = await checkRequestRate(ip, webhook ? 'webhook' : 'general');
  if (!allowed) {
    const body = pathname.startsWith('/api/') ? JSON.stringify({ error: TOO_MANY_REQUESTS }) : `${TOO_MANY_REQUESTS}\n`;
    const type = pathname.startsWith('/api/') ? 'application/json' : 'text/plain; charset=utf-8';
    return decorate(new NextResponse(body, { status: 429, headers: { 'Content-Type': type, 'Cache-Control': 'no-store' } }), limitHeaders);
  }

  if (webhook) return decorate(NextResponse.next({ request: { headers: requestHeaders } }), limitHeaders);

  if (pathname.startsWith('/api/')) {
    const refusal = crossSiteRefusal(request);
    if (refusal) {
      return decorate(
        NextResponse.json({ error: 'Cross-site requests cannot change data.' }, { status: 403, headers: { 'Cache-Control': 'private, no-store' } }),
        limitHeaders,
      );
    }
  }

  // Over HTTPS only the __Host- cookie counts, over plain HTTP only the plain one.
  // Prerendered public pages are cacheable by a CDN: never attach a Set-Cookie to them.
  const outcome = await sessionFromCookies(request.cookies, https, cfg.session.refreshSeconds, !staticHashes);
  const cookieName = sessionCookieName(https);
  if (outcome.revoked || outcome.token) rewriteSessionCookie(requestHeaders, outcome.token, cookieName);

  const routeWritesCookie = request.method !== 'GET' && request.method !== 'HEAD' && writesSessionCookie(pathname);
  const applyCookie = (response: NextResponse) => {
    if (routeWritesCookie) return response;
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

export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
