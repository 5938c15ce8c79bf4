import 'server-only';
import type { Reader } from '@/fuse/auth/read-access';
import { config } from '@/fuse/config';
import { getDb } from '@/fuse/db/client';
import { onShutdown } from '@/fuse/shutdown';
import { LiveHub } from './hub';
import { openLiveStream, type LiveStreamOptions } from './stream';

/** The answer headers of a live stream, whichever server path serves it. */
export const LIVE_STREAM_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  // no-transform: a compressing server or proxy would otherwise buffer the stream.
  'Cache-Control': 'no-store, no-transform',
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no',
} as const;
export const BAD_RESUME_POSITION = 'after / Last-Event-ID must be an outbox id.';
export const SHUTTING_DOWN = 'The server is shutting down.';

const globalForHub = globalThis as { fuseLiveHub?: LiveHub };

/**
 * The hub of this process. On globalThis: Next loads route handlers and pages in separate bundles,
 * and every one of them must reach the same hub (and, in embedded mode, the same in-process notice).
 */
export function getLiveHub(): LiveHub {
  if (!globalForHub.fuseLiveHub) {
    const { database, live } = config();
    const hub = new LiveHub({
      db: getDb(),
      listenUrl: database.embedded ? null : database.url,
      heartbeatMs: live.heartbeatSeconds * 1000,
    });
    globalForHub.fuseLiveHub = hub;
    // Open streams would otherwise keep the server from stopping.
    onShutdown(() => hub.close());
  }
  return globalForHub.fuseLiveHub;
}

/** Streams older than this are closed so the browser reconnects and its session is verified again. */
const MAX_STREAM_AGE_MS = 30 * 60_000;

/** The verified session a stream is opened for: its business, and the reader whose rank decides what it carries. */
export type LiveStreamSession = Reader & { businessId: string };

/** How a stream of the session's business from `after` runs, or null while the server shuts down. */
export function liveStreamOptions(session: LiveStreamSession, after: number | null, signal?: AbortSignal): LiveStreamOptions | null {
  const hub = getLiveHub();
  if (hub.isClosed) return null;
  return {
    hub,
    businessId: session.businessId,
    reader: { userId: session.userId, rank: session.rank },
    after,
    maxReplay: config().live.maxReplay,
    signal,
    // Spread the reconnects of streams opened together.
    maxAgeMs: MAX_STREAM_AGE_MS * (0.9 + Math.random() * 0.2),
  };
}

/** A live stream of the session's business from `after` (route-handler transport), or null while the server shuts down. */
export function liveStreamFor(session: LiveStreamSession, after: number | null, signal?: AbortSignal): ReadableStream<Uint8Array> | null {
  const options = liveStreamOptions(session, after, signal);
  return options && openLiveStream(options);
}

/** Parses Last-Event-ID (preferred: the browser's own resume point) or `?after=`; undefined when invalid. */
export function parseResumePosition(lastEventId: string | null | undefined, after: string | null | undefined): number | null | undefined {
  const raw = lastEventId || after;
  if (raw === null || raw === undefined || raw === '') return null;
  if (!/^\d{1,15}$/.test(raw)) return undefined;
  return Number(raw);
}

export function resumePosition(request: Request): number | null | undefined {
  return parseResumePosition(request.headers.get('last-event-id'), new URL(request.url).searchParams.get('after'));
}
