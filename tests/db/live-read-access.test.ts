import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { businesses } from '@/fuse/auth/schema';
import type { Reader } from '@/fuse/auth/read-access';
import type { Database } from '@/fuse/db/client';
import { LiveHub } from '@/fuse/live/hub';
import { outboxPosition, recordChange, type ChangeInput } from '@/fuse/live/outbox';
import { openLiveStream } from '@/fuse/live/stream';
import { describeEachDatabase } from '../setup/each-database';
import { readSse, type SseEvent, type SseReader } from '../setup/sse';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const isChange = (e: SseEvent) => e.event === 'message';
const payload = (e: SseEvent) => JSON.parse(e.data) as { id: number; domain: string; kind: string; entityId: string; data: Record<string, unknown> };
const HEARTBEAT_MS = 200;

describeEachDatabase('live streams carry only what their reader may read', ({ kind, db: getDb }) => {
  let db: Database;
  let hub: LiveHub;
  let business: string;
  const readers: SseReader[] = [];
  const crew: Reader = { userId: randomUUID(), rank: 'crew' };
  const crewmate: Reader = { userId: randomUUID(), rank: 'crew' };
  const captain: Reader = { userId: randomUUID(), rank: 'captain' };
  const admiral: Reader = { userId: randomUUID(), rank: 'admiral' };

  function open(reader: Reader, after: number | null) {
    const stream = readSse(
      openLiveStream({
        hub,
        businessId: business,
        reader: { ...reader, sessionId: randomUUID(), sessionVersion: 0, issuedAt: 0 },
        after,
        maxReplay: 1000,
      }),
    );
    readers.push(stream);
    return stream;
  }
  async function opened(reader: Reader, after: number | null) {
    const stream = open(reader, after);
    await stream.next((e) => e.event === 'ready');
    return stream;
  }
  function record(change: Omit<ChangeInput, 'businessId'>): Promise<number> {
    return db.transaction((tx) => recordChange(tx, { ...change, businessId: business } as ChangeInput));
  }
  /** The team's changes of one round, then a clients change everyone reads (so a stream that has it has seen the round). */
  async function round() {
    const secret = `invitee-${randomUUID()}@example.com`;
    const team = [
      await record({ domain: 'team', kind: 'invite', entityId: 1, data: { id: 1, email: secret, rank: 'crew' } }),
      await record({ domain: 'team', kind: 'member', entityId: crewmate.userId, data: { userId: crewmate.userId, email: secret, rank: 'captain' } }),
      await record({ domain: 'team', kind: 'joined', entityId: crewmate.userId, data: { userId: crewmate.userId, rank: 'crew' } }),
      await record({ domain: 'team', kind: 'invite-revoked', entityId: 1, data: { id: 1 } }),
    ];
    const profile = await record({ domain: 'settings', kind: 'profile', entityId: crew.userId, data: { name: 'Crew', theme: 'dark' } });
    const marker = await record({ domain: 'clients', kind: 'upsert', entityId: 7, data: { id: 7 } });
    return { secret, team, profile, marker };
  }
  const ids = (s: SseReader) => s.events.filter(isChange).map((e) => Number(e.id));
  const seesMarker = (s: SseReader, marker: number) => s.next((e) => isChange(e) && Number(e.id) === marker);

  beforeAll(async () => {
    db = getDb();
    hub = new LiveHub({ db, listenUrl: kind === 'postgres' ? inject('postgresUrl') : null, heartbeatMs: HEARTBEAT_MS });
    const [row] = await db
      .insert(businesses)
      .values({ name: `Read access ${randomUUID()}` })
      .returning();
    business = row!.id;
  });
  afterAll(async () => {
    for (const r of readers) r.close();
    await hub.close();
  });

  it('live: crew gets no team change and no one else’s profile; captains and the admiral get the team; a profile reaches its user only', async () => {
    const streams = {
      crew: await opened(crew, null),
      crewmate: await opened(crewmate, null),
      captain: await opened(captain, null),
      admiral: await opened(admiral, null),
    };
    const r = await round();
    for (const s of Object.values(streams)) await seesMarker(s, r.marker);
    expect(ids(streams.crew)).toEqual([r.profile, r.marker]);
    expect(ids(streams.crewmate)).toEqual([r.marker]);
    expect(ids(streams.captain)).toEqual([...r.team, r.marker]);
    expect(ids(streams.admiral)).toEqual([...r.team, r.marker]);
    for (const s of [streams.crew, streams.crewmate]) expect(JSON.stringify(s.events)).not.toContain(r.secret);
    expect(payload(streams.captain.events.find(isChange)!).data.email).toBe(r.secret);
  });

  it('replay from a position (or the whole retained history) passes the same test', async () => {
    const from = await outboxPosition(db, business);
    const r = await round();
    const oldest = await db.execute<{ id: string }>(sql`select min(id) as id from outbox where business_id = ${business}`);
    for (const after of [from, Number(oldest.rows[0]!.id) - 1]) {
      const crewReplay = await opened(crew, after);
      const captainReplay = await opened(captain, after);
      await seesMarker(crewReplay, r.marker);
      await seesMarker(captainReplay, r.marker);
      expect(crewReplay.events.filter(isChange).every((e) => payload(e).domain !== 'team')).toBe(true);
      expect(crewReplay.events.filter(isChange).every((e) => payload(e).domain !== 'settings' || payload(e).entityId === crew.userId)).toBe(true);
      expect(JSON.stringify(crewReplay.events)).not.toContain(r.secret);
      expect(ids(crewReplay).slice(-2)).toEqual([r.profile, r.marker]);
      expect(ids(captainReplay).slice(-5)).toEqual([...r.team, r.marker]);
      const crewmateReplay = await opened(crewmate, after);
      await seesMarker(crewmateReplay, r.marker);
      expect(ids(crewmateReplay)).not.toContain(r.profile);
    }
  });

  it('moves a reader past changes it may not read, so a resume never replays them', async () => {
    const stream = await opened(crew, null);
    const hidden = await record({ domain: 'team', kind: 'invite', entityId: 2, data: { id: 2, email: 'hidden@example.com', rank: 'crew' } });
    // Told at a heartbeat: an id and nothing else.
    const moved = await stream.next((e) => e.event === 'position', HEARTBEAT_MS * 5);
    expect(moved.id).toBe(String(hidden));
    expect(JSON.parse(moved.data)).toEqual({ position: hidden });
    expect(stream.events.filter(isChange)).toHaveLength(0);
    // Nothing more to tell: plain heartbeats again.
    const beats = stream.comments;
    await sleep(HEARTBEAT_MS * 3);
    expect(stream.comments).toBeGreaterThan(beats);
    expect(stream.events.filter((e) => e.event === 'position')).toHaveLength(1);

    const resumed = await opened(crew, hidden);
    const next = await record({ domain: 'clients', kind: 'upsert', entityId: 8, data: { id: 8 } });
    await seesMarker(resumed, next);
    expect(ids(resumed)).toEqual([next]);
  });

  it('delivers a change of a kind the table does not list to nobody', async () => {
    const admiralStream = await opened(admiral, null);
    await db.execute(
      sql`insert into outbox (business_id, domain, kind, entity_id, data) values (${business}, 'team', 'secret', '1', '{"x":1}'::jsonb)`,
    );
    await db.execute(
      sql`insert into outbox (business_id, domain, kind, entity_id, data) values (${business}, '__proto__', 'upsert', '1', '{"x":1}'::jsonb)`,
    );
    const marker = await record({ domain: 'clients', kind: 'upsert', entityId: 9, data: { id: 9 } });
    await seesMarker(admiralStream, marker);
    expect(ids(admiralStream)).toEqual([marker]);
  });
});
