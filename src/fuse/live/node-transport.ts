import type http from 'node:http';
import { config } from '@/fuse/config';
import { captureServerError } from '@/fuse/observability/errors';
import { logger } from '@/fuse/observability/logger';
import { recordRequest, recordSessionRead, routeLabel } from '@/fuse/observability/metrics';
import { nodeRequestHeaders } from '@/fuse/security/client-ip';
import { checkRequestRate, requestIdentity, responseCsp, responseSecurityHeaders, TOO_MANY_REQUESTS } from '@/fuse/security/request-policy';
import { parseCookieHeader, serializeCookie, sessionCookieWrites } from '@/fuse/session/cookie';
import { UnauthorizedError } from '@/fuse/session/errors';
import { sessionFromCookies } from '@/fuse/session/refresh';
import { isShuttingDown } from '@/fuse/shutdown';
import {
  BAD_RESUME_POSITION,
  LIVE_STREAM_HEADERS,
  liveStreamOptions,
  parseResumePosition,
  SHUTTING_DOWN,
  streamLimitReached,
  tooManyStreams,
} from './server';
import { httpChunk } from './sse';
import { runLiveStream, type LiveSink } from './stream';

/**
 * GET /api/live served on the Node HTTP server itself, before Next sees the request (the hook in
 * src/fuse/security/peer-address.ts, installed from instrumentation).
 *
 * Why outside Next: Next's route handler pipes the web ReadableStream of every stream to its node
 * response, so each event cost every stream an enqueue, a reader turn, a `res.write` and a flush,
 * about 75 µs of server CPU per stream. Measured with `npm run bench:live` on the 2-CPU machine
 * (clients in a separate process), through the route handler: p99 commit → event 55 ms at 1,000
 * streams and 394 ms at 5,000, ~115 KB per stream (bench/results/live-2026-11-25-via-next.md).
 * Here each event is framed once as an HTTP chunk and written to each socket with one
 * `socket.write`: p99 20–25 ms at 1,000 and 61–88 ms at 5,000, ~15 KB per stream
 * (bench/results/live-2026-11-25.md). What remains is the kernel's loopback send, ~10–12 µs a
 * socket (94% of the fan-out in a CPU profile), so 5,000 sockets take 50–60 ms of one CPU. src/app/api/live/route.ts stays as the transport wherever this hook does
 * not run (a host that calls Next without a Node HTTP server).
 *
 * It answers exactly as the proxy plus the route would: request id, per-IP rate limit (429), the
 * security headers and CSP, session verification with the proxy's refresh and revocation check
 * (401), the crew-or-higher rank check of withSession, 400 for a bad resume position, 503 while
 * shutting down, 429 past LIVE_MAX_STREAMS_PER_USER streams of one user on this instance.
 */
export const LIVE_PATH = '/api/live';

export function isLiveRequest(req: http.IncomingMessage): boolean {
  if (req.method !== 'GET') return false;
  const url = req.url ?? '';
  const q = url.indexOf('?');
  return (q === -1 ? url : url.slice(0, q)) === LIVE_PATH;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]>) {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Writes straight to the socket: one pre-framed chunk per event, shared by every stream. A response
 * that has no socket of its own yet (a pipelined request) goes through `res.write`.
 */
function nodeSink(res: http.ServerResponse): LiveSink {
  const socket = res.socket;
  const direct = socket !== null && res.headersSent;
  const chunked = res.chunkedEncoding;
  return {
    write: (bytes) => {
      if (res.destroyed) return;
      if (direct) socket.write(chunked ? httpChunk(bytes) : bytes);
      else res.write(bytes);
    },
    queuedBytes: () => res.writableLength,
    end: (reason) => {
      if (res.destroyed) return;
      // A reader that stopped reading would never take the last chunk: drop it (it resumes on reconnect).
      if (reason === 'overloaded') res.destroy();
      else res.end();
    },
  };
}

/** Serves one GET /api/live request. Never throws: an unexpected error is a logged, captured 500. */
export async function serveLiveRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const start = performance.now();
  let requestId: string | null = null;
  let status = 500;
  try {
    const cfg = config();
    const headers = nodeRequestHeaders(req);
    const identity = requestIdentity(headers, cfg);
    requestId = identity.requestId;
    const base: Record<string, string | string[]> = responseSecurityHeaders(identity.https, responseCsp(identity.https), requestId);

    const rate = await checkRequestRate(identity.ip);
    Object.assign(base, rate.headers);
    if (!rate.allowed) return sendJson(res, (status = 429), { error: TOO_MANY_REQUESTS }, { ...base, 'Cache-Control': 'no-store' });

    const sessionStart = performance.now();
    const outcome = await sessionFromCookies(parseCookieHeader(req.headers.cookie), identity.https, cfg.session.refreshSeconds);
    recordSessionRead((performance.now() - sessionStart) / 1000, outcome.session !== null);
    const cookies = sessionCookieWrites({ token: outcome.token, cleared: outcome.revoked }, identity.https).map((c) =>
      serializeCookie(c.name, c.value, c.options),
    );
    if (cookies.length) base['Set-Cookie'] = cookies;
    const privateJson = { ...base, 'Cache-Control': 'private, no-store' };

    const session = outcome.session;
    if (!session) return sendJson(res, (status = 401), { error: new UnauthorizedError().message }, privateJson);

    const url = new URL(req.url ?? '/', 'http://localhost');
    const after = parseResumePosition(headers.get('last-event-id'), url.searchParams.get('after'));
    if (after === undefined) {
      return sendJson(res, (status = 400), { error: BAD_RESUME_POSITION }, privateJson);
    }
    const options = isShuttingDown() ? null : liveStreamOptions(session, after);
    if (!options) {
      return sendJson(res, (status = 503), { error: SHUTTING_DOWN }, { ...privateJson, 'Retry-After': '1' });
    }
    if (streamLimitReached(session.userId)) {
      return sendJson(res, (status = 429), { error: tooManyStreams(cfg.live.maxStreamsPerUser) }, { ...privateJson, 'Retry-After': '30' });
    }

    res.writeHead((status = 200), { ...base, ...LIVE_STREAM_HEADERS });
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    const stop = runLiveStream(options, nodeSink(res));
    res.once('close', stop);
  } catch (err) {
    logger.child(requestId ? { requestId } : {}).error({ err }, 'live: serving a stream failed');
    void captureServerError(err, { path: LIVE_PATH, method: 'GET', requestId });
    if (!res.headersSent) sendJson(res, (status = 500), { error: 'Something went wrong.' }, { 'Cache-Control': 'private, no-store' });
    else res.destroy();
  } finally {
    recordRequest(routeLabel(LIVE_PATH), 'GET', status, (performance.now() - start) / 1000);
  }
}

/** The request hook's interceptor: true when this request is a live stream (now owned here, not by Next). */
export function interceptLiveRequest(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  if (!isLiveRequest(req)) return false;
  void serveLiveRequest(req, res);
  return true;
}
