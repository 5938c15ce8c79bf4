import { config } from '@/fuse/config';
import { rateLimitedTotal } from '@/fuse/observability/metrics';
import { hitRateLimit, rateLimitHeaders, requestRule, webhookRule } from '@/fuse/ratelimit';
import { REQUEST_ID_HEADER, requestOrigin, type ForwardingTrust, type HeaderReader } from './client-ip';
import { contentSecurityPolicy, createNonce, staticSecurityHeaders } from './headers';
import { prerenderedScriptHashes } from './static-csp';

/**
 * The per-request rules every response follows, shared by the page policy (src/fuse/http/page-policy.ts), the API
 * handlers' wrapper (src/fuse/http/handler.ts) and the live stream served outside Next
 * (src/fuse/live/node-transport.ts): who the client is, the request id, the per-IP rate limit and
 * the security headers.
 */
const REQUEST_ID_FORMAT = /^[A-Za-z0-9._:-]{1,128}$/;

export const TOO_MANY_REQUESTS = 'Too many requests. Slow down and try again shortly.';

export type RequestIdentity = {
  /** HTTPS as the client sees it (`next start` serves plain HTTP behind a TLS-terminating proxy): the cookie name follows it. */
  https: boolean;
  requestId: string;
  ip: string;
};

/** Who sent the request (`requestOrigin`): only a configured reverse proxy has its X-* headers believed. */
export function requestIdentity(headers: HeaderReader, trust: ForwardingTrust): RequestIdentity {
  const { https, ip, viaTrustedProxy } = requestOrigin(headers, trust);
  const incomingId = viaTrustedProxy ? headers.get(REQUEST_ID_HEADER) : null;
  const requestId = incomingId && REQUEST_ID_FORMAT.test(incomingId) ? incomingId : crypto.randomUUID();
  return { https, requestId, ip };
}

/**
 * The CSP of a response: `scriptHashes` for a prerendered page served from cache (no nonce), else a
 * fresh nonce plus the not-found page's hashes (it can answer any URL) for one rendered per request.
 */
export function responseCsp(https: boolean, scriptHashes: readonly string[] | null = null): string {
  const cfg = config();
  const base = { https, assetOrigin: cfg.cdnUrl ? new URL(cfg.cdnUrl).origin : null, development: !cfg.production };
  if (scriptHashes) return contentSecurityPolicy({ ...base, scriptHashes });
  const [before, after] = nonceTemplate(base, prerenderedScriptHashes('_not-found') ?? []);
  return `${before}${createNonce()}${after}`;
}

/**
 * The per-request policy is the same text but for its nonce: built once (per scheme, CDN origin and
 * not-found hashes, which only a new build changes) as the text before and after the nonce.
 */
const NONCE_MARK = 'NONCE-MARK';
const templates = new Map<string, { hashes: readonly string[]; parts: [string, string] }>();

function nonceTemplate(base: { https: boolean; assetOrigin: string | null; development: boolean }, hashes: readonly string[]): [string, string] {
  const key = `${base.https}|${base.assetOrigin ?? ''}|${base.development}`;
  const hit = templates.get(key);
  if (hit && hit.hashes === hashes) return hit.parts;
  const text = contentSecurityPolicy({ ...base, nonce: NONCE_MARK, scriptHashes: hashes });
  const at = text.indexOf(NONCE_MARK);
  const parts: [string, string] = [text.slice(0, at), text.slice(at + NONCE_MARK.length)];
  templates.set(key, { hashes, parts });
  return parts;
}

const staticEntries = { http: Object.entries(staticSecurityHeaders(false)), https: Object.entries(staticSecurityHeaders(true)) };

/** The headers every response carries: the static security set, its CSP, the request id. */
export function responseSecurityHeaders(https: boolean, csp: string, requestId: string): Record<string, string> {
  return { ...staticSecurityHeaders(https), 'Content-Security-Policy': csp, 'X-Request-Id': requestId };
}

/** The headers of `responseSecurityHeaders` as a list, the static part built once per process. */
export function securityHeaderEntries(https: boolean, csp: string, requestId: string): [string, string][] {
  return [...(https ? staticEntries.https : staticEntries.http), ['Content-Security-Policy', csp], ['X-Request-Id', requestId]];
}

/** Counts the request against the client's general budget; `headers` go on the response either way. */
export async function checkRequestRate(
  ip: string,
  budget: 'general' | 'webhook' = 'general',
): Promise<{ allowed: boolean; headers: Record<string, string> }> {
  const rule = budget === 'webhook' ? webhookRule() : requestRule();
  const decision = await hitRateLimit(`${budget === 'webhook' ? 'webhook' : 'req'}:${ip}`, rule, 'memory');
  if (!decision.allowed) rateLimitedTotal.inc({ scope: 'request' });
  return { allowed: decision.allowed, headers: rateLimitHeaders(decision, rule) };
}
