import { config } from '@/fuse/config';
import { requestOrigin } from './client-ip';

/**
 * The client address of a route-handler request (or a page's headers), decided from the socket peer
 * and trusted proxies only (`requestOrigin`). Never read from a request header a client could send:
 * API requests do not pass through the proxy.
 */
export function requestClientIp(request: { headers: Headers }): string {
  return requestOrigin(request.headers, config()).ip;
}

const HOST = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * The origin the browser addressed, for links sent back to it (a checkout's return URL):
 * FUSE_PUBLIC_URL when set; else the Host (a trusted proxy's X-Forwarded-Host) with the scheme the
 * client used; else the URL Next resolved.
 */
export function requestAppOrigin(request: { headers: Headers; url: string }): string {
  const cfg = config();
  if (cfg.publicUrl) return cfg.publicUrl;
  const { host, https } = requestOrigin(request.headers, cfg);
  if (host && HOST.test(host)) return `${https ? 'https' : 'http'}://${host.toLowerCase()}`;
  return new URL(request.url).origin;
}
