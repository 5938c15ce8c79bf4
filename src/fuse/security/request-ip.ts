import { config } from '@/fuse/config';
import { CLIENT_IP_HEADER, requestOrigin } from './client-ip';

/** The client address of a route-handler request (or a page's headers): set by the proxy, recomputed if it is missing. */
export function requestClientIp(request: { headers: Headers }): string {
  return request.headers.get(CLIENT_IP_HEADER) ?? requestOrigin(request.headers, config()).ip;
}
