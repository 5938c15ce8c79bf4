import type http from 'node:http';
import { recordRequest, routeLabel } from './metrics';

/**
 * Request duration of everything that is not a route handler: pages, redirects, static assets and
 * 404s, timed at the Node HTTP server from the request event to the end of the response. Route
 * handlers under /api record their own duration (with the handler's route) in src/fuse/http/handler.ts.
 */
export function pageRouteLabel(pathname: string): string {
  if (pathname.startsWith('/_next/static/')) return '/_next/static';
  if (pathname.startsWith('/_next/image')) return '/_next/image';
  // Everything else by the route that serves it; a path no route serves is `other`.
  return routeLabel(pathname);
}

export function timePageRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
  const pathname = (req.url ?? '/').split('?')[0] ?? '/';
  if (pathname.startsWith('/api/')) return;
  const start = process.hrtime.bigint();
  res.once('finish', () => {
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    recordRequest(pageRouteLabel(pathname), req.method ?? 'GET', res.statusCode, seconds);
  });
}
