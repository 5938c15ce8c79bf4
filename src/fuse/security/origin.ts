import { config } from '@/fuse/config';
import { requestOrigin } from './client-ip';

/**
 * Cross-site request refusal for route handlers that change data. Browsers send `Sec-Fetch-Site`
 * on every request and `Origin` on every non-GET one; a request another site's page makes carries
 * `cross-site` / `same-site` or a foreign origin. Requests with neither header come from non-browser
 * clients, which hold no ambient cookies of a victim, and are let through.
 */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isMutationMethod(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return null;
  }
}

/**
 * The hosts this request may legitimately come from: its own Host, the host a trusted proxy says the
 * browser addressed (X-Forwarded-Host from anyone else is ignored: `requestOrigin`), FUSE_PUBLIC_URL's.
 */
function allowedHosts(headers: Headers, requestUrl: string): Set<string> {
  const cfg = config();
  const hosts = new Set<string>();
  const host = headers.get('host');
  if (host) hosts.add(host.toLowerCase());
  const addressed = requestOrigin(headers, cfg).host;
  if (addressed) hosts.add(addressed);
  const own = hostOf(requestUrl);
  if (own) hosts.add(own);
  const publicHost = cfg.publicUrl ? hostOf(cfg.publicUrl) : null;
  if (publicHost) hosts.add(publicHost);
  return hosts;
}

/** Null when the request may proceed, otherwise the reason it is refused. */
export function crossSiteRefusal(request: { method: string; headers: Headers; url: string }): string | null {
  if (!isMutationMethod(request.method)) return null;
  const site = request.headers.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return `Sec-Fetch-Site: ${site}`;
  const origin = request.headers.get('origin');
  if (origin) {
    const host = origin === 'null' ? null : hostOf(origin);
    if (!host || !allowedHosts(request.headers, request.url).has(host)) return `Origin: ${origin}`;
  }
  return null;
}
