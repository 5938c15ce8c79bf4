import { changesAfter, outboxPosition, prunedSince } from './outbox';
import { logger } from '@/fuse/observability/logger';
import { toEvent, type LiveEvent, type LiveHub, type LiveSubscriber } from './hub';
import { encodeHello, encodeResync } from './sse';

export type LiveStreamOptions = {
  hub: LiveHub;
  businessId: string;
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
const MAX_QUEUED_BYTES = 1 << 20;

/**
 * One live stream: subscribe to the hub first (buffering), then replay the outbox after the
 * client's position, then flush what arrived meanwhile. Every event is sent at most once and in
 * id order (per business, outbox ids follow commit order: see recordChange).
 */
export function openLiveStream(options: LiveStreamOptions): ReadableStream<Uint8Array> {
  const { hub, businessId, maxReplay } = options;
  const db = hub.db;
  let unsubscribe: (() => void) | null = null;
  let closed = false;
  let maxAgeTimer: NodeJS.Timeout | null = null;

  return new ReadableStream<Uint8Array>(
    {
      async start(controller) {
        let lastSent = options.after ?? 0;
        let live = false;
        let buffered: LiveEvent[] = [];

        const close = () => {
          if (closed) return;
          closed = true;
          unsubscribe?.();
          if (maxAgeTimer) clearTimeout(maxAgeTimer);
          options.signal?.removeEventListener('abort', close);
          try {
            controller.close();
          } catch {
            /* already closed or cancelled */
          }
        };
        const write = (bytes: Uint8Array) => {
          if (closed) return;
          if ((controller.desiredSize ?? 0) < -MAX_QUEUED_BYTES) return close();
          try {
            controller.enqueue(bytes);
          } catch {
            close();
          }
        };
        const send = (events: LiveEvent[]) => {
          for (const e of events) {
            if (e.id <= lastSent) continue;
            lastSent = e.id;
            write(e.bytes);
          }
        };
        const subscriber: LiveSubscriber = {
          deliver: (events) => (live ? send(events) : buffered.push(...events)),
          heartbeat: write,
          close,
        };

        if (options.signal?.aborted) return close();
        options.signal?.addEventListener('abort', close);
        if (options.maxAgeMs) {
          maxAgeTimer = setTimeout(close, options.maxAgeMs);
          maxAgeTimer.unref();
        }
        try {
          unsubscribe = hub.subscribe(businessId, subscriber);
          await hub.ready(businessId);
          if (options.after === null) {
            lastSent = await outboxPosition(db, businessId);
            write(encodeHello(lastSent, 2_000));
          } else if (await prunedSince(db, businessId, options.after)) {
            lastSent = await resync(options.after, 'pruned');
          } else {
            const rows = await changesAfter(db, businessId, options.after, maxReplay + 1);
            if (rows.length > maxReplay) {
              lastSent = await resync(options.after, 'too-far-behind');
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

        async function resync(_after: number, reason: string): Promise<number> {
          const position = await outboxPosition(db, businessId);
          write(encodeHello(position, 2_000));
          write(encodeResync(position, reason));
          return position;
        }
      },
      cancel() {
        closed = true;
        unsubscribe?.();
        if (maxAgeTimer) clearTimeout(maxAgeTimer);
      },
    },
    { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength },
  );
}
