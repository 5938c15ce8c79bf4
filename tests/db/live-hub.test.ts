import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { ClientView } from '@/domains/clients/queries';
import { businesses } from '@/fuse/auth/schema';
import type { Database } from '@/fuse/db/client';
import { LiveHub } from '@/fuse/live/hub';
import { outboxPosition, recordChange } from '@/fuse/live/outbox';
import { pruneOutbox } from '@/fuse/live/retention';
import { MAX_QUEUED_BYTES, openLiveStream, runLiveStream } from '@/fuse/live/stream';
import { describeEachDatabase } from '../setup/each-database';

/** The hub carries a change's payload as it is: these tests mark their changes with a number, not a real client. */
const fakeClient = (marker: { n: number }) => marker as unknown as ClientView;
import { readSse, type SseEvent, type SseReader } from '../setup/sse';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const payload = (e: SseEvent) => JSON.parse(e.data) as { id: number; data: { n: number }; mutationId: string | null };
const isChange = (e: SseEvent) => e.event === 'message';
const crew = { userId: randomUUID(), rank: 'crew', sessionId: randomUUID(), sessionVersion: 0, issuedAt: 0 } as const;

describeEachDatabase('live hub and streams', ({ kind, db: getDb }) => {
  let db: Database;
  let hub: LiveHub;
  let a: string;
  let b: string;
  const readers: SseReader[] = [];

  async function newBusiness(name: string): Promise<string> {
    const [row] = await db
      .insert(businesses)
      .values({ name: `${name} ${randomUUID()}` })
      .returning();
    return row!.id;
  }

  async function change(businessId: string, n: number, mutationId?: string): Promise<number> {
    return db.transaction((tx) =>
      recordChange(tx, { businessId, domain: 'clients', kind: 'upsert', entityId: n, data: fakeClient({ n }), mutationId }),
    );
  }

  function open(businessId: string, after: number | null, options: { maxReplay?: number; hub?: LiveHub } = {}) {
    const reader = readSse(openLiveStream({ hub: options.hub ?? hub, businessId, reader: crew, after, maxReplay: options.maxReplay ?? 1000 }));
    readers.push(reader);
    return reader;
  }

  /** Waits until the stream has subscribed and replayed (its first event is `ready` or `resync`). */
  async function opened(reader: SseReader) {
    await reader.next((e) => e.event === 'ready');
    return reader;
  }

  beforeAll(async () => {
    db = getDb();
    hub = new LiveHub({ db, listenUrl: kind === 'postgres' ? inject('postgresUrl') : null, heartbeatMs: 200 });
    a = await newBusiness('alpha');
    b = await newBusiness('bravo');
  });

  afterAll(async () => {
    for (const r of readers) r.close();
    await hub.close();
  });

  it('delivers a change to the streams of its business only', async () => {
    const streamA = await opened(open(a, null));
    const streamB = await opened(open(b, null));
    const idB = await change(b, 1);
    const idA = await change(a, 2);
    const gotA = await streamA.next(isChange);
    const gotB = await streamB.next(isChange);
    expect(gotA.id).toBe(String(idA));
    expect(payload(gotA)).toMatchObject({ id: idA, data: { n: 2 } });
    expect(gotB.id).toBe(String(idB));
    await sleep(150);
    expect(streamA.events.filter(isChange).map((e) => e.id)).toEqual([String(idA)]);
    expect(streamB.events.filter(isChange).map((e) => e.id)).toEqual([String(idB)]);
  });

  it('sends heartbeat comments on idle streams', async () => {
    const stream = await opened(open(a, null));
    await sleep(700);
    expect(stream.comments).toBeGreaterThanOrEqual(2);
  });

  it('replays exactly the missed events of the business, in order, after a reconnect', async () => {
    const first = await opened(open(a, null));
    const seen = await change(a, 10);
    await first.next(isChange);
    first.close();
    const missed = [await change(a, 11), await change(b, 99), await change(a, 12)];
    const again = open(a, seen);
    const replayed = [await again.next(isChange), await again.next(isChange)];
    expect(replayed.map((e) => Number(e.id))).toEqual([missed[0], missed[2]]);
    expect(replayed.map((e) => payload(e).data.n)).toEqual([11, 12]);
    const live = await change(a, 13);
    expect(Number((await again.next(isChange)).id)).toBe(live);
    expect(again.events.filter(isChange)).toHaveLength(3);
  });

  it('loses nothing between a render reading its position and the stream connecting', async () => {
    const position = await outboxPosition(db, a);
    // The page read its data; a change lands before the browser connects.
    const between = await change(a, 20, 'tab-1');
    const stream = open(a, position);
    const got = await stream.next(isChange);
    expect(Number(got.id)).toBe(between);
    expect(payload(got).mutationId).toBe('tab-1');
    const after = await change(a, 21);
    expect(Number((await stream.next(isChange)).id)).toBe(after);
    expect(stream.events.filter(isChange).map((e) => Number(e.id))).toEqual([between, after]);
  });

  it('tells a stream too far behind to resync, then continues live from the new position', async () => {
    const from = await outboxPosition(db, a);
    await change(a, 30);
    await change(a, 31);
    const last = await change(a, 32);
    const stream = open(a, from, { maxReplay: 2 });
    const resync = await stream.next((e) => e.event === 'resync');
    expect(JSON.parse(resync.data)).toMatchObject({ position: last, reason: 'too-far-behind' });
    expect(resync.id).toBe(String(last));
    const next = await change(a, 33);
    expect(Number((await stream.next(isChange)).id)).toBe(next);
    expect(stream.events.filter(isChange)).toHaveLength(1);
  });

  it('never delivers a rolled-back change', async () => {
    const stream = await opened(open(a, null));
    await db
      .transaction(async (tx) => {
        await recordChange(tx, { businessId: a, domain: 'clients', kind: 'upsert', entityId: 1, data: fakeClient({ n: 40 }) });
        throw new Error('roll back');
      })
      .catch(() => undefined);
    const kept = await change(a, 41);
    const got = await stream.next(isChange);
    expect(payload(got).data.n).toBe(41);
    expect(Number(got.id)).toBe(kept);
    await sleep(200);
    expect(stream.events.filter(isChange)).toHaveLength(1);
  });

  it('delivers concurrent commits of one business once each, in id order', async () => {
    const stream = await opened(open(a, null));
    const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => change(a, 100 + i)));
    for (let i = 0; i < 20; i++) await stream.next(isChange);
    const got = stream.events.filter(isChange).map((e) => Number(e.id));
    expect(got).toEqual([...ids].sort((x, y) => x - y));
  });

  it.runIf(kind === 'postgres')('catches up on what committed while its LISTEN connection was down', async () => {
    const stream = await opened(open(a, null));
    const other = new LiveHub({ db, listenUrl: inject('postgresUrl'), heartbeatMs: 1000 });
    const streamOther = await opened(open(a, null, { hub: other }));
    await db.execute(
      sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'fuse-live' and datname = current_database()`,
    );
    const during = await change(a, 50);
    const got = await stream.next(isChange, 10_000);
    const gotOther = await streamOther.next(isChange, 10_000);
    expect([Number(got.id), Number(gotOther.id)]).toEqual([during, during]);
    const after = await change(a, 51);
    expect(Number((await stream.next(isChange, 10_000)).id)).toBe(after);
    await other.close();
  });

  it.runIf(kind === 'postgres')('reaches every instance: two hubs each deliver a change once', async () => {
    const other = new LiveHub({ db, listenUrl: inject('postgresUrl'), heartbeatMs: 1000 });
    const one = await opened(open(b, null));
    const two = await opened(open(b, null, { hub: other }));
    const id = await change(b, 60);
    expect(Number((await one.next(isChange)).id)).toBe(id);
    expect(Number((await two.next(isChange)).id)).toBe(id);
    await other.close();
  });

  it('closes its streams when the hub closes', async () => {
    const other = new LiveHub({ db, listenUrl: kind === 'postgres' ? inject('postgresUrl') : null, heartbeatMs: 1000 });
    const stream = await opened(open(a, null, { hub: other }));
    await other.close();
    await expect(Promise.race([stream.ended.then(() => 'ended'), sleep(2000).then(() => 'open')])).resolves.toBe('ended');
  });

  it('drops a stream whose reader has fallen more than 1 MiB behind, and keeps one that reads', async () => {
    const written: { slow: number; fast: number } = { slow: 0, fast: 0 };
    const ends: { slow: string[]; fast: string[] } = { slow: [], fast: [] };
    let slowQueued = 0;
    const sink = (which: 'slow' | 'fast') => ({
      write: (bytes: Uint8Array) => {
        written[which] += 1;
        if (which === 'slow') slowQueued += bytes.byteLength;
      },
      queuedBytes: () => (which === 'slow' ? slowQueued : 0),
      end: (reason: 'closed' | 'overloaded') => void ends[which].push(reason),
    });
    const stopSlow = runLiveStream({ hub, businessId: a, reader: crew, after: null, maxReplay: 1000 }, sink('slow'));
    const stopFast = runLiveStream({ hub, businessId: a, reader: crew, after: null, maxReplay: 1000 }, sink('fast'));
    const waitFor = async (check: () => boolean) => {
      for (let i = 0; i < 250 && !check(); i++) await sleep(20);
      expect(check()).toBe(true);
    };
    await waitFor(() => written.slow >= 1 && written.fast >= 1);
    await change(a, 70);
    await waitFor(() => written.slow >= 2 && written.fast >= 2);
    expect(ends.slow).toEqual([]);
    // The slow reader stops reading: its backlog passes the limit, the next write ends it.
    slowQueued = MAX_QUEUED_BYTES + 1;
    const before = written.slow;
    await change(a, 71);
    await waitFor(() => ends.slow.length === 1 && written.fast >= 3);
    expect(ends.slow).toEqual(['overloaded']);
    expect(written.slow).toBe(before);
    await change(a, 72);
    await waitFor(() => written.fast >= 4);
    expect(written.slow).toBe(before);
    expect(ends.fast).toEqual([]);
    stopSlow();
    stopFast();
  });

  it('spreads heartbeats over the interval: each stream still gets one per interval', async () => {
    const other = new LiveHub({ db, listenUrl: kind === 'postgres' ? inject('postgresUrl') : null, heartbeatMs: 500 });
    const beats: number[][] = Array.from({ length: 20 }, () => []);
    const t0 = performance.now();
    const unsubscribe = beats.map((list) =>
      other.subscribe(a, { reader: crew, deliver: () => undefined, heartbeat: () => void list.push(performance.now() - t0), close: () => undefined }),
    );
    await sleep(1_300);
    unsubscribe.forEach((u) => u());
    await other.close();
    // Two intervals: every stream had a heartbeat in each, and within 10% of an interval of the last.
    for (const list of beats) {
      expect(list.length).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < list.length; i++) expect(list[i]! - list[i - 1]!).toBeGreaterThan(400);
    }
    // Not all at once: the first heartbeats are spread over the first interval.
    const firsts = beats.map((l) => l[0]!).sort((x, y) => x - y);
    expect(firsts[firsts.length - 1]! - firsts[0]!).toBeGreaterThan(300);
  });

  // Retention last: it prunes the shared outbox.
  it('prunes old rows (keeping each business newest) and resyncs a stream that missed pruned rows', async () => {
    const c = await newBusiness('charlie');
    const d = await newBusiness('delta');
    const old = [await change(c, 1), await change(c, 2), await change(c, 3)];
    const dOnly = await change(d, 1);
    const fresh = await change(c, 4);
    await db.execute(sql`update outbox set at = now() - interval '10 days' where id = any(${`{${[...old, dOnly].join(',')}}`}::bigint[])`);

    const [first, second] = await Promise.all([
      db.transaction(async (tx) => {
        // Holds the retention lock while the other run tries it (on PGlite the two runs serialise).
        const r = await pruneOutbox(tx as unknown as Database, 7);
        await sleep(100);
        return r;
      }),
      sleep(20).then(() => pruneOutbox(db, 7)),
    ]);
    if (kind === 'postgres') {
      expect([first.ran, second.ran].sort()).toEqual([false, true]);
    }
    expect(first.ran).toBe(true);
    expect(first.through).toBeGreaterThanOrEqual(dOnly);

    const left = await db.execute<{ id: number }>(sql`select id from outbox where business_id in (${c}, ${d}) order by id`);
    // c's old rows are gone; d's only row is its newest and stays.
    expect(left.rows.map((r) => Number(r.id))).toEqual([dOnly, fresh]);

    // A stream of c that last saw its first row missed pruned rows: resync.
    const behind = open(c, old[0]!);
    expect(JSON.parse((await behind.next((e) => e.event === 'resync')).data)).toMatchObject({ reason: 'pruned', position: fresh });
    // A stream of d that is current needs nothing.
    const current = open(d, dOnly);
    await current.next((e) => e.event === 'ready');
    expect(current.events.some((e) => e.event === 'resync')).toBe(false);
    // The page position of c is replayable.
    const ok = open(c, await outboxPosition(db, c));
    await ok.next((e) => e.event === 'ready');
    expect(ok.events.some((e) => e.event === 'resync')).toBe(false);
  });
});
