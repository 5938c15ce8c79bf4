import type http from 'node:http';

/** How often Node looks for connections past the timeouts (its default, 30 s, would add up to 30 s). */
const CHECK_INTERVAL_MS = 1_000;

/**
 * Bounds slow clients (slowloris): a connection whose request headers are not in after
 * `headersTimeoutMs`, or whose whole request (body included) is not in after `requestTimeoutMs`,
 * is answered 408 and closed, so a few trickling clients cannot hold every socket. Node applies
 * both to receiving the request only: once it is in, the answer may take as long as it needs
 * (GET /api/live streams for hours).
 *
 * `next start` creates and starts the server before FUSE runs, so the values are set on the
 * running server. Node reads them at each check, but it scheduled its check at `listen` with
 * `connectionsCheckingInterval` (30 s); its own `listening` handler schedules it again with the
 * shorter interval.
 */
export function applyServerTimeouts(server: http.Server, limits: { headersTimeoutMs: number; requestTimeoutMs: number }): void {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  // A server option Node keeps on the server; its types do not declare the property.
  const checked = server as http.Server & { connectionsCheckingInterval: number };
  if (checked.connectionsCheckingInterval <= CHECK_INTERVAL_MS) return;
  checked.connectionsCheckingInterval = CHECK_INTERVAL_MS;
  const reschedule = server.listeners('listening').find((fn) => fn.name === 'setupConnectionsTracking');
  if (server.listening && reschedule) Reflect.apply(reschedule, server, []);
}
