import { audienceIncludes } from '@/fuse/auth/read-access';
import { changesAfter, outboxPosition, prunedSince } from './outbox';
import { logger } from '@/fuse/observability/logger';
import { revocations } from '@/fuse/session/revoked';
import { toEvent, type LiveEvent, type LiveHub, type LiveReader, type LiveSubscriber } from './hub';
import { encodeHello, encodePosition, encodeResync } from './sse';

export type LiveStreamOptions = {
  hub: LiveHub;
  businessId: string;
  /**
   * The session's user and rank (the stream carries only the changes this reader may read) and its
   * identity (a revocation that concerns it closes the stream).
   */
  reader: LiveReader;
  /** Outbox id the client has (Last-Event-ID or ?after=); null: start from now, without replay. */
  after: number | null;
  /** More missed changes than this: resync instead of replaying. */
  maxReplay: number;
  /** Client went away (the request's abort signal). */
  signal?: AbortSignal;
  /** Close after this long, so the browser reconnects and its session is checked again. */
  maxAgeMs?: number;
};

/** A stream whose reader has fallen this far behind (bytes queued) is closed; it resumes on reconnect. */
export const MAX_QUEUED_BYTES = 1 << 20;

/** Where a live stream's bytes go: a web ReadableStream (route handler) or a node response. */
export type LiveSink = {
  write: (bytes: Uint8Array) => void;
  /** Bytes written that the reader has not taken yet. */
  queuedBytes: () => number;
  /** Ends the response. `overloaded`: the reader stopped reading (drop the connection, do not wait for it). */
  end: (reason: 'closed' | 'overloaded') => void;
};

/**
 * One live stream: subscribe to the hub first (buffering), then replay the outbox after the
 * client's position, then flush what arrived meanwhile. Every event is sent at most once and in
 * id order (per business, outbox ids follow commit order: see recordChange). Returns the function
 * that closes it (the client went away); the stream also closes itself (max age, hub closed,
 * a reader too far behind).
 *
 * Live and replayed changes pass the same test (audienceIncludes, from src/fuse/auth/read-access.ts).
 * A change the reader may not read is skipped but still passed: the next heartbeat is then a
 * `position` event with the id reached, so the page resumes after it and never replays it again.
 */
export function runLiveStream(options: LiveStreamOptions, sink: LiveSink): () => void {
  const { hub, businessId, maxReplay, reader } = options;
  const db = hub.db;
  let unsubscribe: (() => void) | null = null;
  let closed = false;
  let maxAgeTimer: NodeJS.Timeout | null = null;
  /** Highest outbox id this stream has passed (sent or skipped). */
  let lastSent = options.after ?? 0;
  /** Highest position the client has been told (an event's id, hello, resync or position). */
  let told = lastSent;
  let live = false;
  let buffered: LiveEvent[] = [];

  const finish = (reason: 'closed' | 'overloaded' | null) => {
    if (closed) return;
    closed = true;
    unsubscribe?.();
    if (maxAgeTimer) clearTimeout(maxAgeTimer);
    options.signal?.removeEventListener('abort', onAbort);
    if (reason) sink.end(reason);
  };
  const close = () => finish('closed');
  const onAbort = close;
  // The client is gone: nothing left to end.
  const stop = () => finish(null);
  const write = (bytes: Uint8Array) => {
    if (closed) return;
    if (sink.queuedBytes() > MAX_QUEUED_BYTES) return finish('overloaded');
    sink.write(bytes);
  };
  const send = (events: LiveEvent[]) => {
    for (const e of events) {
      if (e.id <= lastSent) continue;
      lastSent = e.id;
      if (!audienceIncludes(e.audience, reader)) continue;
      told = e.id;
      write(e.bytes);
    }
  };
  const subscriber: LiveSubscriber = {
    reader,
    deliver: (events) => (live ? send(events) : buffered.push(...events)),
    // Skipped changes are told at heartbeat time only, so their timing shows no more than a page load's position does.
    heartbeat: (bytes) => {
      if (live && lastSent > told) {
        told = lastSent;
        write(encodePosition(told));
      } else write(bytes);
    },
    close,
  };

  const resync = async (reason: string): Promise<number> => {
    const position = await outboxPosition(db, businessId);
    write(encodeHello(position, 2_000));
    write(encodeResync(position, reason));
    return position;
  };

  const start = async () => {
    if (options.signal?.aborted) return close();
    options.signal?.addEventListener('abort', onAbort);
    if (options.maxAgeMs) {
      maxAgeTimer = setTimeout(close, options.maxAgeMs);
      maxAgeTimer.unref();
    }
    try {
      unsubscribe = hub.subscribe(businessId, subscriber);
      // A revocation announced while the request was being checked found no stream to close.
      if (revocations().affects(reader)) return close();
      await hub.ready(businessId);
      if (options.after === null) {
        lastSent = told = await outboxPosition(db, businessId);
        write(encodeHello(lastSent, 2_000));
      } else if (await prunedSince(db, businessId, options.after)) {
        lastSent = told = await resync('pruned');
      } else {
        // Counts the changes the reader may not read too: replay costs the rows read, not the rows sent.
        const rows = await changesAfter(db, businessId, options.after, maxReplay + 1);
        if (rows.length > maxReplay) {
          lastSent = told = await resync('too-far-behind');
        } else {
          write(encodeHello(options.after, 2_000));
          send(rows.map(toEvent));
        }
      }
      live = true;
      const pending = buffered;
      buffered = [];
      send(pending);
    } catch (err) {
      // The browser reconnects from its last event id.
      if (!closed && !hub.isClosed) logger.error({ err, businessId }, 'live: opening a stream failed');
      close();
    }
  };
  void start();
  return stop;
}

/** A live stream as a web ReadableStream (the route handler's transport; see src/fuse/live/node-transport.ts). */
export function openLiveStream(options: LiveStreamOptions): ReadableStream<Uint8Array> {
  let stop: (() => void) | null = null;
  const highWaterMark = 64 * 1024;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        stop = runLiveStream(options, {
          write: (bytes) => {
            try {
              controller.enqueue(bytes);
            } catch {
              stop?.();
            }
          },
          queuedBytes: () => highWaterMark - (controller.desiredSize ?? highWaterMark),
          end: () => {
            try {
              controller.close();
            } catch {
              /* already closed or cancelled */
            }
          },
        });
      },
      cancel() {
        stop?.();
      },
    },
    { highWaterMark, size: (chunk) => chunk.byteLength },
  );
}
