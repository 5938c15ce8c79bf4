import { config } from '@/fuse/config';
import { rateLimitedTotal } from '@/fuse/observability/metrics';
import { hitRateLimit, rateLimitHeaders, requestRule, webhookRule } from '@/fuse/ratelimit';
import { REQUEST_ID_HEADER, requestOrigin, type ForwardingTrust } from './client-ip';
import { contentSecurityPolicy, createNonce, staticSecurityHeaders } from './headers';
import { prerenderedScriptHashes } from './static-csp';

/**
 * The per-request rules every response follows, shared by the proxy (src/proxy.ts) and the live
 * stream served outside Next (src/fuse/live/node-transport.ts): who the client is, the request id,
 * the per-IP rate limit and the security headers.
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
export function requestIdentity(headers: Headers, trust: ForwardingTrust): RequestIdentity {
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
  return contentSecurityPolicy({ ...base, nonce: createNonce(), scriptHashes: prerenderedScriptHashes('_not-found') ?? [] });
}

/** The headers every response carries: the static security set, its CSP, the request id. */
export function responseSecurityHeaders(https: boolean, csp: string, requestId: string): Record<string, string> {
  return { ...staticSecurityHeaders(https), 'Content-Security-Policy': csp, 'X-Request-Id': requestId };
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
