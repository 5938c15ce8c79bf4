import http from 'node:http';
import { PEER_HEADER, PEER_MARK } from './client-ip';

type Listener = (server: http.Server, req: http.IncomingMessage, res: http.ServerResponse) => void;
/** Answers a request itself (returns true) instead of letting Next handle it. */
type Interceptor = (req: http.IncomingMessage, res: http.ServerResponse) => boolean;
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
      for (const intercept of interceptors) if (intercept(req, res)) return true;
    }
    return Reflect.apply(original, this, [event, ...args]) as boolean;
  } as typeof original;
  (globalThis as Record<symbol, unknown>)[PEER_MARK] = true;
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
