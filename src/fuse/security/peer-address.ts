import http from 'node:http';
import { logger } from '@/fuse/observability/logger';
import { PEER_HEADER, PEER_MARK } from './client-ip';

type Listener = (server: http.Server, req: http.IncomingMessage, res: http.ServerResponse) => void;
/**
 * Answers a request itself (returns true) instead of letting Next handle it, or prepares it for Next
 * (returns false). A promise holds the request back from Next until it settles.
 */
type Interceptor = (req: http.IncomingMessage, res: http.ServerResponse) => boolean | Promise<boolean>;
const listeners: Listener[] = [];
const serverListeners: ((server: http.Server) => void)[] = [];
const seenServers = new WeakSet<http.Server>();
const interceptors: Interceptor[] = [];
let installed = false;

/**
 * Records the socket address of every request in `x-fuse-peer-address` before Next reads the
 * request, replacing whatever a client sent under that name. Next's HTTP server is created by
 * `next start`, which offers no hook for this, so FUSE wraps `http.Server.prototype.emit` for the
 * `request` event (once per process, from instrumentation). The same hook lets the shutdown
 * registry see the server and count requests in flight, serves GET /api/live
 * (src/fuse/live/node-transport.ts), and hands the server, at its first connection, to
 * `onHttpServer` (the slow-client timeouts).
 */
export function installPeerAddress(): void {
  if (installed) return;
  installed = true;
  const original = http.Server.prototype.emit;
  http.Server.prototype.emit = function emit(this: http.Server, event: string | symbol, ...args: unknown[]) {
    // Before Node sets the connection up, so what the server listeners change applies to it.
    if ((event === 'connection' || event === 'request') && !seenServers.has(this)) {
      seenServers.add(this);
      for (const listener of serverListeners) listener(this);
    }
    if (event === 'request') {
      const req = args[0] as http.IncomingMessage;
      const res = args[1] as http.ServerResponse;
      req.headers[PEER_HEADER] = req.socket?.remoteAddress ?? '';
      for (const listener of listeners) listener(this, req, res);
      return runInterceptors(0, req, res, () => Reflect.apply(original, this, [event, ...args]) as boolean);
    }
    return Reflect.apply(original, this, [event, ...args]) as boolean;
  } as typeof original;
  (globalThis as Record<symbol, unknown>)[PEER_MARK] = true;
}

/**
 * The interceptors from `from` on, then Next (`toNext`, the server's own `emit`). An asynchronous one
 * holds the request until it settles; the value is what `emit` returns (true once one has taken it).
 */
function runInterceptors(from: number, req: http.IncomingMessage, res: http.ServerResponse, toNext: () => boolean): boolean {
  for (let i = from; i < interceptors.length; i++) {
    const answer = interceptors[i]!(req, res);
    if (answer === true) return true;
    if (answer !== false) {
      // A client that left while it was held is not handed on.
      answer.then((answered) => answered || res.destroyed || runInterceptors(i + 1, req, res, toNext)).catch((err: unknown) => failRequest(res, err));
      return true;
    }
  }
  return toNext();
}

/** An interceptor that failed: the request gets a 500 (or its connection is cut if an answer had begun). */
function failRequest(res: http.ServerResponse, err: unknown): void {
  logger.error({ err }, 'request hook failed');
  if (res.headersSent) return void res.destroy();
  res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end('Something went wrong.\n');
}

/** Called once per Node HTTP server, before the first connection it accepts after the install. */
export function onHttpServer(listener: (server: http.Server) => void): void {
  serverListeners.push(listener);
}

export function onHttpRequest(listener: Listener): void {
  listeners.push(listener);
}

/** Lets FUSE serve a request on the Node server before Next (after the listeners above have seen it). */
export function interceptHttpRequest(interceptor: Interceptor): void {
  interceptors.push(interceptor);
}
