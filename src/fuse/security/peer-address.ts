import http from 'node:http';
import { PEER_HEADER, PEER_MARK } from './client-ip';

type Listener = (server: http.Server, req: http.IncomingMessage, res: http.ServerResponse) => void;
const listeners: Listener[] = [];
let installed = false;

/**
 * Records the socket address of every request in `x-fuse-peer-address` before Next reads the
 * request, replacing whatever a client sent under that name. Next's HTTP server is created by
 * `next start`, which offers no hook for this, so FUSE wraps `http.Server.prototype.emit` for the
 * `request` event (once per process, from instrumentation). The same hook lets the shutdown
 * registry see the server and count requests in flight.
 */
export function installPeerAddress(): void {
  if (installed) return;
  installed = true;
  const original = http.Server.prototype.emit;
  http.Server.prototype.emit = function emit(this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === 'request') {
      const req = args[0] as http.IncomingMessage;
      const res = args[1] as http.ServerResponse;
      req.headers[PEER_HEADER] = req.socket?.remoteAddress ?? '';
      for (const listener of listeners) listener(this, req, res);
    }
    return Reflect.apply(original, this, [event, ...args]) as boolean;
  } as typeof original;
  (globalThis as Record<symbol, unknown>)[PEER_MARK] = true;
}

export function onHttpRequest(listener: Listener): void {
  listeners.push(listener);
}
