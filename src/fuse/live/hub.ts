import { sql } from 'drizzle-orm';
import pg from 'pg';
import { changeAudience, type ChangeAudience, type Reader } from '@/fuse/auth/read-access';
import type { Database } from '@/fuse/db/client';
import { logger } from '@/fuse/observability/logger';
import { liveStreamsOpen } from '@/fuse/observability/metrics';
import { changesAfter, LIVE_CHANNEL, type Change } from './outbox';
import { outbox } from './schema';
import { encodeChange, HEARTBEAT } from './sse';
import { processSingleton } from '@/fuse/singleton';

/**
 * A change ready to send: encoded once, written to every stream of the business whose reader is in
 * its audience (decided once here; each stream only compares it with its reader).
 */
export type LiveEvent = { id: number; bytes: Uint8Array; audience: ChangeAudience | null };

/**
 * Whose stream it is: the user and rank that decide what it carries, and the session it was opened
 * with (a revocation closes the streams it concerns).
 */
export type LiveReader = Reader & { sessionId: string; sessionVersion: number; issuedAt: number };

/** One open stream, as the hub sees it. */
export type LiveSubscriber = {
  /** Who reads it: events outside the reader's audience are not written to it. */
  reader: LiveReader;
  deliver: (events: LiveEvent[]) => void;
  heartbeat: (bytes: Uint8Array) => void;
  close: () => void;
};

type BusinessEntry = {
  /** Each stream with its heartbeat slot. */
  subscribers: Map<LiveSubscriber, number>;
  /** Highest outbox id of the business this hub has read (and delivered); null until initialised. */
  cursor: number | null;
  cursorReady: Promise<void> | null;
  pumping: Promise<void> | null;
  dirty: boolean;
};

export type LiveHubOptions = {
  db: Database;
  /** PostgreSQL URL to LISTEN on; null in embedded mode, where the process hears of its own commits. */
  listenUrl: string | null;
  heartbeatMs: number;
  /** Rows read per outbox query while catching up. */
  batchSize?: number;
  /** Further NOTIFY channels heard on the same LISTEN connection (session revocations), by name. */
  channels?: Record<string, (payload: string) => void>;
  /** After each (re)connect of the LISTEN connection: what was announced meanwhile was not heard. */
  onListening?: () => void;
};

type LocalNotify = (businessId: string, id: number) => void;
const globalForLocal = processSingleton('liveLocal', (): { fuseLiveLocalNotify?: LocalNotify; fuseLiveLocalHubs?: Set<LocalNotify> } => ({}));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Heartbeats go out in this many slices of the interval: each stream still gets one per interval,
 * but thousands of streams never take a heartbeat write at the same instant (5,000 writes take
 * ~45 ms on a 2-CPU machine, which a change landing then would wait for).
 */
const HEARTBEAT_SLOTS = 10;

/**
 * The live hub of one app instance: streams subscribe by business; a change is read from the
 * outbox once per business (not once per stream), encoded once and written to that business's
 * streams only.
 *
 * Both modes share one read path, `pump(business)`: "read this business's rows after my cursor".
 * With PostgreSQL, one dedicated connection LISTENs and each NOTIFY pumps its business; after every
 * (re)connect every business with streams is pumped, so nothing committed while the connection was
 * down is lost. With the embedded database nothing can LISTEN (one connection, one process):
 * `recordChange` calls the hub in-process, which pumps once the transaction has committed.
 */
export class LiveHub {
  private readonly entries = new Map<string, BusinessEntry>();
  /** Open streams per user (readers only), for the per-user cap. */
  private readonly userStreams = new Map<string, number>();
  private readonly batchSize: number;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private heartbeatTick = 0;
  private nextSlot = 0;
  private listener: pg.Client | null = null;
  private listenerStarted = false;
  private firstListen: Promise<void> | null = null;
  private closed = false;
  private reconnectDelay = 250;
  private readonly localNotify: LocalNotify;

  constructor(private readonly options: LiveHubOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.localNotify = (businessId, id) => void this.expect(businessId, id);
    if (!options.listenUrl) {
      // Several hubs may share a process (tests); recordChange calls each of them.
      globalForLocal.fuseLiveLocalHubs ??= new Set();
      globalForLocal.fuseLiveLocalHubs.add(this.localNotify);
      globalForLocal.fuseLiveLocalNotify ??= (businessId, id) => {
        for (const notify of globalForLocal.fuseLiveLocalHubs ?? []) notify(businessId, id);
      };
    }
  }

  get db(): Database {
    return this.options.db;
  }

  /** Open streams, in total and per business. */
  stats(): { streams: number; businesses: number } {
    let streams = 0;
    for (const e of this.entries.values()) streams += e.subscribers.size;
    return { streams, businesses: this.entries.size };
  }

  /** Registers a stream (synchronously, so nothing delivered from now on is missed). Returns the unsubscribe. */
  subscribe(businessId: string, subscriber: LiveSubscriber): () => void {
    if (this.closed) throw new Error('live hub is closed');
    let entry = this.entries.get(businessId);
    if (!entry) {
      entry = { subscribers: new Map(), cursor: null, cursorReady: null, pumping: null, dirty: false };
      this.entries.set(businessId, entry);
    }
    entry.subscribers.set(subscriber, this.nextSlot++ % HEARTBEAT_SLOTS);
    liveStreamsOpen.inc();
    const userId = subscriber.reader.userId;
    if (userId) this.userStreams.set(userId, (this.userStreams.get(userId) ?? 0) + 1);
    this.startHeartbeat();
    this.listen();
    return () => {
      const current = this.entries.get(businessId);
      if (!current?.subscribers.delete(subscriber)) return;
      liveStreamsOpen.dec();
      if (userId) {
        const left = (this.userStreams.get(userId) ?? 1) - 1;
        if (left > 0) this.userStreams.set(userId, left);
        else this.userStreams.delete(userId);
      }
      if (current.subscribers.size === 0) this.entries.delete(businessId);
    };
  }

  /** Streams this user has open on this instance. */
  streamsOf(userId: string): number {
    return this.userStreams.get(userId) ?? 0;
  }

  /** Closes the streams whose reader matches (a revoked session, a changed rank). Returns how many. */
  closeStreams(match: (reader: LiveReader, businessId: string) => boolean): number {
    const closing: LiveSubscriber[] = [];
    for (const [businessId, entry] of this.entries) {
      for (const s of entry.subscribers.keys()) if (match(s.reader, businessId)) closing.push(s);
    }
    for (const s of closing) s.close();
    return closing.length;
  }

  /** Starts the LISTEN connection now rather than with the first stream (revocations are heard from the start). */
  listen(): void {
    if (this.options.listenUrl && !this.listenerStarted && !this.closed) this.startListener();
  }

  /**
   * Resolves once the business's cursor is set and (with PostgreSQL) the first LISTEN is in place.
   * Rows at or below the cursor were committed when it was read; rows above it reach every
   * subscriber through a pump. A stream replays from the outbox AFTER this, so it misses nothing.
   */
  async ready(businessId: string): Promise<void> {
    const entry = this.entries.get(businessId);
    if (!entry) return;
    if (this.firstListen) {
      await Promise.race([this.firstListen, sleep(5_000)]);
    }
    await this.ensureCursor(entry, businessId);
  }

  private ensureCursor(entry: BusinessEntry, businessId: string): Promise<void> {
    if (entry.cursor !== null) return Promise.resolve();
    entry.cursorReady ??= (async () => {
      const result = await this.options.db.execute<{ id: string | number | null }>(
        // Not outboxPosition: the hub wants the business's own newest row, pruned or not.
        sql`select coalesce(max(id), 0) as id from ${outbox} where business_id = ${businessId}`,
      );
      entry.cursor = Number(result.rows[0]?.id ?? 0);
    })().catch((err: unknown) => {
      entry.cursorReady = null;
      throw err;
    });
    return entry.cursorReady;
  }

  /** Something was committed for this business: read and deliver it. Coalesces concurrent calls. */
  notify(businessId: string): Promise<void> {
    const entry = this.entries.get(businessId);
    if (!entry) return Promise.resolve();
    if (entry.pumping) {
      entry.dirty = true;
      return entry.pumping;
    }
    entry.pumping = this.pump(entry, businessId).finally(() => {
      entry.pumping = null;
    });
    return entry.pumping;
  }

  private async pump(entry: BusinessEntry, businessId: string): Promise<void> {
    try {
      await this.ensureCursor(entry, businessId);
      do {
        entry.dirty = false;
        const rows = await changesAfter(this.options.db, businessId, entry.cursor!, this.batchSize);
        if (rows.length === 0) continue;
        entry.cursor = rows[rows.length - 1]!.id;
        const events = rows.map(toEvent);
        for (const subscriber of entry.subscribers.keys()) subscriber.deliver(events);
        if (rows.length === this.batchSize) entry.dirty = true;
      } while (entry.dirty && this.entries.get(businessId) === entry);
    } catch (err) {
      if (this.closed) return;
      logger.error({ err, businessId }, 'live: reading the outbox failed');
      // The database did not answer: read again shortly, rather than wait for the next change's notice.
      setTimeout(() => void this.notify(businessId), 1_000).unref();
    }
  }

  /**
   * Embedded mode: recordChange announced outbox row `id` inside its transaction. Pump until the
   * row is read; a rolled-back row never appears, so give up after a few seconds.
   */
  async expect(businessId: string, id: number): Promise<void> {
    for (const delay of [0, 5, 20, 50, 100, 250, 500, 1000, 2000]) {
      await sleep(delay);
      const entry = this.entries.get(businessId);
      if (!entry || this.closed) return;
      await this.notify(businessId);
      if (entry.cursor !== null && entry.cursor >= id) return;
    }
  }

  private startHeartbeat() {
    if (this.heartbeatTimer || this.closed) return;
    // One timer for every stream instead of one per stream; each tick serves one slot.
    this.heartbeatTimer = setInterval(() => {
      const slot = this.heartbeatTick++ % HEARTBEAT_SLOTS;
      for (const entry of this.entries.values()) {
        for (const [s, own] of entry.subscribers) if (own === slot) s.heartbeat(HEARTBEAT);
      }
    }, this.options.heartbeatMs / HEARTBEAT_SLOTS);
    this.heartbeatTimer.unref();
  }

  private startListener() {
    this.listenerStarted = true;
    let resolveFirst!: () => void;
    this.firstListen = new Promise((r) => (resolveFirst = r));
    const connect = async () => {
      if (this.closed) return;
      const client = new pg.Client({
        connectionString: this.options.listenUrl!,
        application_name: 'fuse-live',
        keepAlive: true,
        connectionTimeoutMillis: 5_000,
      });
      let reconnecting = false;
      const retry = (err?: unknown) => {
        if (reconnecting || this.closed) return;
        reconnecting = true;
        if (this.listener === client) this.listener = null;
        client.removeAllListeners('notification');
        client.end().catch(() => undefined);
        const delay = this.reconnectDelay;
        this.reconnectDelay = Math.min(this.reconnectDelay * 2, 10_000);
        logger.warn({ err, retryInMs: delay }, 'live: LISTEN connection lost, reconnecting');
        setTimeout(() => void connect(), delay + Math.random() * delay * 0.2).unref();
      };
      client.on('error', retry);
      client.on('end', () => retry());
      client.on('notification', (msg) => {
        const payload = msg.payload ?? '';
        const other = msg.channel === LIVE_CHANNEL ? undefined : this.options.channels?.[msg.channel];
        if (other) return other(payload);
        const businessId = payload.slice(0, payload.indexOf(':'));
        if (businessId) void this.notify(businessId);
      });
      try {
        await client.connect();
        await client.query(`LISTEN ${LIVE_CHANNEL}`);
        for (const channel of Object.keys(this.options.channels ?? {})) await client.query(`LISTEN ${channel}`);
      } catch (err) {
        retry(err);
        resolveFirst();
        return;
      }
      if (this.closed) {
        await client.end().catch(() => undefined);
        return;
      }
      this.listener = client;
      this.reconnectDelay = 250;
      resolveFirst();
      this.options.onListening?.();
      // Whatever committed while no connection listened is read now.
      for (const businessId of this.entries.keys()) void this.notify(businessId);
    };
    void connect();
  }

  /** Closes every stream and the LISTEN connection (server shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
    for (const entry of this.entries.values()) for (const s of entry.subscribers.keys()) s.close();
    this.entries.clear();
    this.userStreams.clear();
    globalForLocal.fuseLiveLocalHubs?.delete(this.localNotify);
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => undefined);
  }

  get isClosed(): boolean {
    return this.closed;
  }
}

export function toEvent(change: Change): LiveEvent {
  return { id: change.id, bytes: encodeChange(change), audience: changeAudience(change) };
}
