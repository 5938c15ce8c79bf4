import 'server-only';
import { config } from '@/fuse/config';
import { getDb, type Database } from '@/fuse/db/client';
import { logger } from '@/fuse/observability/logger';
import { revocations } from '@/fuse/session/revoked';
import { applyRevocationNotice, loadRevocations, SESSIONS_CHANNEL } from '@/fuse/session/sessions';
import type { Session } from '@/fuse/session/token';
import { onShutdown } from '@/fuse/shutdown';
import { LiveHub, type LiveReader } from './hub';
import { openLiveStream, type LiveStreamOptions } from './stream';
import { processSingleton } from '@/fuse/singleton';

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
export const tooManyStreams = (max: number) =>
  `Too many live streams are open for this account (at most ${max} at a time). Close another tab and try again.`;

const globalForHub = processSingleton('liveHub', (): { fuseLiveHub?: LiveHub } => ({}));

/**
 * The hub of this process. On globalThis: Next loads route handlers and pages in separate bundles,
 * and every one of them must reach the same hub (and, in embedded mode, the same in-process notice).
 */
export function getLiveHub(): LiveHub {
  if (!globalForHub.fuseLiveHub) {
    const { database, live } = config();
    const db = getDb();
    const hub = new LiveHub({
      db,
      // LISTEN needs a session of its own: the direct URL when queries go through a pooler.
      listenUrl: database.embedded ? null : database.directUrl,
      heartbeatMs: live.heartbeatSeconds * 1000,
      // Session revocations from every instance arrive on the same LISTEN connection.
      channels: { [SESSIONS_CHANNEL]: (payload) => applyRevocationNotice(payload) },
      // Notices sent while the connection was down were missed: read them from the database.
      onListening: () => void loadRevocationsRetrying(db),
    });
    globalForHub.fuseLiveHub = hub;
    // A revocation closes the open streams it concerns (a demoted reader reconnects with its new rank).
    const stopClosing = revocations().onRevocation((concerns) => hub.closeStreams(concerns));
    // Open streams would otherwise keep the server from stopping.
    onShutdown(() => {
      stopClosing();
      return hub.close();
    });
  }
  return globalForHub.fuseLiveHub;
}

/** Reads the revocations announced before now, retrying (up to every 30 s) until the database answers. */
async function loadRevocationsRetrying(db: Database, delayMs = 1_000): Promise<void> {
  try {
    await loadRevocations(db);
  } catch (err) {
    if (getLiveHub().isClosed) return;
    logger.warn({ err: (err as Error).message, retryInMs: delayMs }, 'sessions: reading revocations failed');
    setTimeout(() => void loadRevocationsRetrying(db, Math.min(delayMs * 2, 30_000)), delayMs).unref();
  }
}

/**
 * Server start: this instance hears revocations from now on (PostgreSQL: the hub's LISTEN
 * connection, opened now rather than with the first stream) and reads those announced before, so
 * it is never blind to a revoked cookie. Until they are read, every cookie is re-checked against
 * the database.
 */
export function startSessionRevocations(): void {
  const hub = getLiveHub();
  if (config().database.embedded) void loadRevocationsRetrying(hub.db);
  else hub.listen();
}

/** The session a stream is opened with, as the hub keeps it. */
export function liveReader(session: Session): LiveReader {
  return {
    userId: session.userId,
    rank: session.rank,
    sessionId: session.sessionId,
    sessionVersion: session.sessionVersion,
    issuedAt: session.issuedAt,
  };
}

/** Whether this user already has as many streams open on this instance as one user may. */
export function streamLimitReached(userId: string): boolean {
  return getLiveHub().streamsOf(userId) >= config().live.maxStreamsPerUser;
}

/** How a stream of the session's business from `after` runs, or null while the server shuts down. */
export function liveStreamOptions(session: Session, after: number | null, signal?: AbortSignal): LiveStreamOptions | null {
  const hub = getLiveHub();
  if (hub.isClosed) return null;
  return {
    hub,
    businessId: session.businessId,
    reader: liveReader(session),
    after,
    maxReplay: config().live.maxReplay,
    signal,
    // Streams older than LIVE_MAX_STREAM_SECONDS are closed, so the browser reconnects (resuming
    // where it was) and its session is verified again; under a host's function time limit too.
    // Spread by -10%..+0%, so streams opened together do not reconnect together and none outlives the limit.
    maxAgeMs: config().live.maxStreamSeconds * 1000 * (0.9 + Math.random() * 0.1),
  };
}

/** A live stream of the session's business from `after` (route-handler transport), or null while the server shuts down. */
export function liveStreamFor(session: Session, after: number | null, signal?: AbortSignal): ReadableStream<Uint8Array> | null {
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
