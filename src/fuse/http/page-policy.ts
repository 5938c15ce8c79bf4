import type http from 'node:http';
import { randomBytes } from 'node:crypto';
import { config } from '@/fuse/config';
import { nodeRequestHeaders, REQUEST_ID_HEADER, type HeaderReader } from '@/fuse/security/client-ip';
import { checkRequestRate, requestIdentity, responseCsp, securityHeaderEntries, TOO_MANY_REQUESTS } from '@/fuse/security/request-policy';
import { prerenderedPageFor, prerenderedScriptHashes } from '@/fuse/security/static-csp';
import {
  parseCookieHeader,
  PLAIN_COOKIE_NAME,
  SECURE_COOKIE_NAME,
  serializeCookie,
  sessionCookieName,
  sessionCookieWrites,
} from '@/fuse/session/cookie';
import { sessionFromCookies } from '@/fuse/session/refresh';
import { processSingleton } from '@/fuse/singleton';

/**
 * The first step of every page request: request id, per-IP rate limit, session verification and
 * refresh, the sign-in redirects, security headers and a per-request CSP nonce (Next reads the
 * nonce from the request's Content-Security-Policy header). A convenience for sessions, never the
 * only gate: every data access verifies the session again, every mutation re-checks it in the database.
 *
 * Where it runs: on the Node HTTP server before Next sees the request (`interceptPageRequest`, from
 * the hook in src/fuse/security/peer-address.ts), which is every `next start` and `next dev`. Next's
 * proxy (src/proxy.ts) runs the same policy on a host that calls Next without a Node HTTP server, and
 * is skipped for requests the hook has already handled: Next invokes a proxy by running its request
 * pipeline a second time, which cost a quarter of a page's throughput (docs/scaling.md).
 */
export type PageRequest = { method: string; pathname: string; search: string; headers: HeaderReader };

export type PagePolicy = {
  /** Request headers to set before the page renders (null: remove the header). */
  request: Record<string, string | null>;
  /** Response headers; Set-Cookie appears once per cookie. */
  response: [string, string][];
  /** An answer instead of the page: 429, or a redirect to a path of this site. */
  answer: { status: 429; body: string } | { status: 307; location: string } | null;
};

/** Paths the policy covers: everything but the API (its handlers' wrapper has its own), built assets and the app icons. */
export function isPagePath(pathname: string): boolean {
  return !(
    pathname.startsWith('/_next/static') ||
    pathname.startsWith('/_next/image') ||
    pathname.startsWith('/favicon.ico') ||
    pathname.startsWith('/icon.svg') ||
    pathname.startsWith('/api/')
  );
}

function isDashboard(pathname: string) {
  return pathname === '/dashboard' || pathname.startsWith('/dashboard/');
}

/** The Cookie request header with the session cookie replaced by `token` (or removed), other cookies kept. */
function withSessionCookie(header: string | null, token: string | null, name: string): string | null {
  const kept = (header ?? '')
    .split(';')
    .map((c) => c.trim())
    .filter((c) => c && !c.startsWith(`${SECURE_COOKIE_NAME}=`) && !c.startsWith(`${PLAIN_COOKIE_NAME}=`));
  if (token) kept.push(`${name}=${token}`);
  return kept.length ? kept.join('; ') : null;
}

export async function pagePolicy(req: PageRequest): Promise<PagePolicy> {
  const cfg = config();
  // `next start` serves plain HTTP; HTTPS is terminated by a trusted reverse proxy that says so.
  const { https, requestId, ip } = requestIdentity(req.headers, cfg);
  const request: PagePolicy['request'] = { [REQUEST_ID_HEADER]: requestId, 'content-security-policy-report-only': null };

  // Content-Security-Policy: hashes for prerendered public pages (served from cache, no nonce),
  // a fresh nonce for everything rendered per request. Next reads the nonce from the request header,
  // so whatever policy the client sent is replaced or removed.
  const prerendered = req.method === 'GET' || req.method === 'HEAD' ? prerenderedPageFor(req.pathname) : null;
  const staticHashes = prerendered ? prerenderedScriptHashes(prerendered) : null;
  const csp = responseCsp(https, staticHashes);
  request['content-security-policy'] = staticHashes ? null : csp;
  const response = securityHeaderEntries(https, csp, requestId);

  const rate = await checkRequestRate(ip, 'general');
  response.push(...Object.entries(rate.headers));
  if (!rate.allowed) return { request, response, answer: { status: 429, body: `${TOO_MANY_REQUESTS}\n` } };

  // Over HTTPS only the __Host- cookie counts, over plain HTTP only the plain one.
  // Prerendered public pages are cacheable by a CDN: never attach a Set-Cookie to them.
  const cookieHeader = req.headers.get('cookie');
  const outcome = await sessionFromCookies(parseCookieHeader(cookieHeader), https, cfg.session.refreshSeconds, !staticHashes);
  if (outcome.revoked || outcome.token) request.cookie = withSessionCookie(cookieHeader, outcome.token, sessionCookieName(https));
  for (const c of sessionCookieWrites({ token: outcome.token, cleared: outcome.revoked }, https)) {
    response.push(['Set-Cookie', serializeCookie(c.name, c.value, c.options)]);
  }

  if (!outcome.session && isDashboard(req.pathname)) {
    return { request, response, answer: { status: 307, location: `/sign-in?${new URLSearchParams({ next: req.pathname + req.search })}` } };
  }
  if (outcome.session && (req.pathname === '/sign-in' || req.pathname === '/sign-up')) {
    return { request, response, answer: { status: 307, location: '/dashboard' } };
  }
  return { request, response, answer: null };
}

/**
 * Marks a request the Node hook has run the policy on, so Next's proxy skips it. Its value is this
 * process's secret: a client that sends the header itself, where no hook runs, is refused by
 * `assertPagePolicyRan` instead of skipping the policy.
 */
export const PAGE_POLICY_HEADER = 'x-fuse-page-policy';
const mark = processSingleton('pagePolicyMark', () => ({ value: randomBytes(18).toString('base64url') }));

/** Throws when a page request carries a policy mark this process did not set (sent by the client itself). */
export function assertPagePolicyRan(headers: HeaderReader): void {
  const value = headers.get(PAGE_POLICY_HEADER);
  if (value !== null && value !== mark.value) throw new Error(`${PAGE_POLICY_HEADER} was sent by the client, not set by this server`);
}

/**
 * The request hook's interceptor for pages: runs `pagePolicy` and either answers (429, redirect) or
 * hands the request to Next with the policy's request headers set and its response headers in place.
 */
export function interceptPageRequest(req: http.IncomingMessage, res: http.ServerResponse): boolean | Promise<boolean> {
  // Where Next runs in minimal mode (a platform's own server in front of it), the proxy is the policy.
  if (process.env.NEXT_PRIVATE_MINIMAL_MODE) return false;
  // The path as Next routes it: dot segments resolved, an absolute-form target reduced to its path.
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://page.invalid');
  } catch {
    url = new URL('/', 'http://page.invalid');
  }
  if (!isPagePath(url.pathname)) {
    delete req.headers[PAGE_POLICY_HEADER];
    return false;
  }
  // Next's own parameter for RSC requests is not part of where the visitor was going.
  url.searchParams.delete('_rsc');
  return pagePolicy({ method: req.method ?? 'GET', pathname: url.pathname, search: url.search, headers: nodeRequestHeaders(req) }).then((policy) => {
    const cookies: string[] = [];
    for (const [name, value] of policy.response) {
      if (name === 'Set-Cookie') cookies.push(value);
      else res.setHeader(name, value);
    }
    if (cookies.length) res.setHeader('Set-Cookie', cookies);
    if (policy.answer?.status === 429) {
      res.writeHead(429, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(policy.answer.body);
      return true;
    }
    if (policy.answer) {
      res.writeHead(307, { Location: policy.answer.location });
      res.end();
      return true;
    }
    for (const [name, value] of Object.entries(policy.request)) {
      if (value === null) delete req.headers[name];
      else req.headers[name] = value;
    }
    req.headers[PAGE_POLICY_HEADER] = mark.value;
    return false;
  });
}
