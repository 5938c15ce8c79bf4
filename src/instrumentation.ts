import type { Instrumentation } from 'next';

/**
 * Runs once when the server starts. Configuration is validated here so a bad or missing variable
 * stops the process at start with a message naming it, not at the first request.
 */
export async function register() {
  // `next build` loads this module too: nothing below is for a build.
  if (process.env.NEXT_RUNTIME === 'nodejs' && process.env.NEXT_PHASE !== 'phase-production-build') {
    // Configuration is checked as startServer begins (synchronously: a bad variable exits here); the
    // request hook goes in before the rest of the start, since Next is already listening and until
    // the hook is in, pages take the proxy's path.
    const { startServer } = await import('./fuse/startup');
    const started = startServer();
    // Awaited below, after the hook goes in: marked handled now so a failure meanwhile is not an
    // unhandled rejection (the await still throws it).
    started.catch(() => undefined);
    // Socket address for the rate limiter, request tracking and SIGTERM handling (src/fuse/security/peer-address.ts).
    const [
      { installPeerAddress, interceptHttpRequest, onHttpRequest, onHttpServer },
      { installGracefulShutdown, onShutdown, trackRequest },
      { timePageRequest },
      { interceptLiveRequest },
      { config },
      { closeDb, getDb },
      { startRevenueWindowJob },
      { applyServerTimeouts },
      { interceptPageRequest },
    ] = await Promise.all([
      import('./fuse/security/peer-address'),
      import('./fuse/shutdown'),
      import('./fuse/observability/page-timing'),
      import('./fuse/live/node-transport'),
      import('./fuse/config'),
      import('./fuse/db/client'),
      import('./domains/finance/windows'),
      import('./fuse/http/server-timeouts'),
      import('./fuse/http/page-policy'),
    ]);
    installPeerAddress();
    // Slow clients (headers or body trickled in) are cut off (src/fuse/http/server-timeouts.ts).
    onHttpServer((server) => applyServerTimeouts(server, config().http));
    onHttpRequest((server, _req, res) => trackRequest(server, res));
    onHttpRequest((_server, req, res) => timePageRequest(req, res));
    // GET /api/live is served here, outside Next, for fan-out speed (src/fuse/live/node-transport.ts).
    interceptHttpRequest(interceptLiveRequest);
    // Pages: request id, rate limit, session, CSP nonce and headers before Next renders (src/fuse/http/page-policy.ts).
    interceptHttpRequest(interceptPageRequest);
    await started;
    installGracefulShutdown();
    onShutdown(() => closeDb(), { after: 'requests' });
    // Finance: next month's revenue windows built ahead, so no summary pays for one (src/domains/finance/windows.ts).
    if (config().database.url) startRevenueWindowJob(getDb);
  }
}

/**
 * Every error Next catches while handling a request (pages, layouts, Server Actions, route handlers
 * that throw): stored grouped by fingerprint and forwarded to Sentry when SENTRY_DSN is set.
 */
export const onRequestError: Instrumentation.onRequestError = async (error, request, context) => {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { captureServerError } = await import('./fuse/observability/errors');
  const requestId = request.headers['x-request-id'];
  await captureServerError(error, {
    path: context.routePath || request.path.split('?')[0],
    method: request.method,
    requestId: typeof requestId === 'string' ? requestId : null,
  });
};
