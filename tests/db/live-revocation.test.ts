import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { changeMemberRank, removeMember } from '@/domains/team/mutations';
import { signUp } from '@/fuse/auth/accounts';
import { memberships, users } from '@/fuse/auth/schema';
import type { Database } from '@/fuse/db/client';
import { NotFoundError } from '@/fuse/http/errors';
import { LiveHub } from '@/fuse/live/hub';
import { outbox } from '@/fuse/live/schema';
import { openLiveStream } from '@/fuse/live/stream';
import { ForbiddenError } from '@/fuse/session/errors';
import { changePassword, recheckSession, revokeAllSessions } from '@/fuse/session/revocation';
import { RevocationList, revocations } from '@/fuse/session/revoked';
import { applyRevocationNotice, endSession, SESSIONS_CHANNEL, startSession } from '@/fuse/session/sessions';
import type { Session } from '@/fuse/session/token';
import { describeEachDatabase } from '../setup/each-database';
import { readSse, type SseReader } from '../setup/sse';
import { thrown } from '../setup/thrown';

const PASSWORD = 'stream-Password-2026';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves true when the stream ends within `ms`, false when it is still open. */
async function endsWithin(stream: SseReader, ms: number): Promise<boolean> {
  return Promise.race([stream.ended.then(() => true), sleep(ms).then(() => false)]);
}

describeEachDatabase('revocation ends open live streams', ({ kind, db: getDb }) => {
  let db: Database;
  let hub: LiveHub;
  let stopClosing: () => void;
  const readers: SseReader[] = [];

  async function signedIn(input: Awaited<ReturnType<typeof signUp>>): Promise<Session> {
    const grant = await startSession(db, input, { userAgent: null, ip: null });
    return { ...grant, issuedAt: Math.floor(Date.now() / 1000), expiresAt: grant.sessionExpiresAt };
  }

  async function captainOfNewBusiness(): Promise<Session> {
    return signedIn(await signUp(db, { email: `cap-${randomUUID()}@example.test`, password: PASSWORD, name: 'Cap', businessName: 'Streams Co' }));
  }

  /** A member of the captain's business with this rank, signed in there. */
  async function member(captain: Session, rank: 'crew' | 'captain' | 'commodore'): Promise<Session> {
    const own = await signUp(db, { email: `m-${randomUUID()}@example.test`, password: PASSWORD, name: 'Member', businessName: 'Own Co' });
    await db.insert(memberships).values({ businessId: captain.businessId, userId: own.userId, rank });
    return signedIn({ ...own, businessId: captain.businessId, rank });
  }

  async function stream(s: Session, on: LiveHub = hub): Promise<SseReader> {
    const reader = readSse(
      openLiveStream({
        hub: on,
        businessId: s.businessId,
        after: null,
        maxReplay: 1000,
        reader: { userId: s.userId, rank: s.rank, sessionId: s.sessionId, sessionVersion: s.sessionVersion, issuedAt: s.issuedAt },
      }),
    );
    readers.push(reader);
    await reader.next((e) => e.event === 'ready');
    return reader;
  }

  beforeAll(() => {
    db = getDb();
    hub = new LiveHub({ db, listenUrl: null, heartbeatMs: 60_000 });
    // As src/fuse/live/server.ts wires the app's hub: each revocation closes the streams it concerns.
    stopClosing = revocations().onRevocation((concerns) => hub.closeStreams(concerns));
  });

  afterAll(async () => {
    stopClosing();
    for (const r of readers) r.close();
    await hub.close();
  });

  it('sign-out ends the streams of that session only, at once', async () => {
    const captain = await captainOfNewBusiness();
    const otherDevice = await signedIn(captain);
    const mine = await stream(captain);
    const theirs = await stream(otherDevice);
    expect(hub.streamsOf(captain.userId)).toBe(2);
    await endSession(db, captain);
    expect(await endsWithin(mine, 1_000)).toBe(true);
    expect(await endsWithin(theirs, 300)).toBe(false);
    expect(hub.streamsOf(captain.userId)).toBe(1);
  });

  it('sign out everywhere and a password change end the streams of the other sessions', async () => {
    const captain = await captainOfNewBusiness();
    const a = await stream(captain);
    await revokeAllSessions(db, captain.userId);
    expect(await endsWithin(a, 1_000)).toBe(true);

    const v = (await db.select({ v: users.sessionVersion }).from(users).where(eq(users.id, captain.userId)))[0]!.v;
    const here = await signedIn({ ...captain, sessionVersion: v });
    const there = await signedIn({ ...captain, sessionVersion: v });
    const onThere = await stream(there);
    await changePassword(db, captain.userId, { currentPassword: PASSWORD, newPassword: 'second-Password-2026' }, here.sessionId);
    expect(await endsWithin(onThere, 1_000)).toBe(true);
  });

  it('a demotion ends the member’s streams of that business; the cookie is re-checked with the new rank', async () => {
    const owner = await captainOfNewBusiness();
    const commodore = await member(owner, 'commodore');
    const captain = await member(owner, 'captain');
    const bystander = await member(owner, 'crew');
    const theirs = await stream(captain);
    const other = await stream(bystander);
    await changeMemberRank(db, commodore, captain.userId, { rank: 'crew' });
    expect(await endsWithin(theirs, 1_000)).toBe(true);
    expect(await endsWithin(other, 300)).toBe(false);
    // Not signed out: this instance re-checks the cookie, and the database gives the new rank.
    expect(revocations().affects(captain)).toBe(true);
    expect((await recheckSession(db, captain))?.rank).toBe('crew');
  });

  it('removes a member below the actor (never themselves, never as admiral or crew), ending their streams', async () => {
    const owner = await captainOfNewBusiness();
    const crew = await member(owner, 'crew');
    const peer = await member(owner, 'captain');
    const commodore = await member(owner, 'commodore');

    expect(await thrown(removeMember(db, crew, owner.userId))).toBeInstanceOf(ForbiddenError);
    expect(await thrown(removeMember(db, owner, owner.userId))).toBeInstanceOf(ForbiddenError);
    expect(await thrown(removeMember(db, owner, peer.userId))).toBeInstanceOf(ForbiddenError);
    expect(await thrown(removeMember(db, owner, commodore.userId))).toBeInstanceOf(ForbiddenError);
    expect(await thrown(removeMember(db, { ...owner, rank: 'admiral' }, crew.userId))).toBeInstanceOf(ForbiddenError);
    expect(await thrown(removeMember(db, owner, randomUUID()))).toBeInstanceOf(NotFoundError);
    // A member of another business is not found from this one.
    const stranger = await captainOfNewBusiness();
    expect(await thrown(removeMember(db, owner, stranger.userId))).toBeInstanceOf(NotFoundError);

    const onCrew = await stream(crew);
    await removeMember(db, owner, crew.userId);
    expect(await endsWithin(onCrew, 1_000)).toBe(true);
    expect(
      await db
        .select()
        .from(memberships)
        .where(and(eq(memberships.businessId, owner.businessId), eq(memberships.userId, crew.userId))),
    ).toHaveLength(0);
    expect(await recheckSession(db, crew)).toBeNull();
    const [change] = await db
      .select()
      .from(outbox)
      .where(and(eq(outbox.businessId, owner.businessId), eq(outbox.kind, 'member-removed')));
    expect(change).toMatchObject({ domain: 'team', entityId: crew.userId, data: { userId: crew.userId } });
    // A commodore removes a captain.
    await removeMember(db, commodore, peer.userId);
    expect(await recheckSession(db, peer)).toBeNull();
    expect(await thrown(removeMember(db, owner, crew.userId))).toBeInstanceOf(NotFoundError);
  });

  it('a stream opened with a session revoked while its request was checked closes at once', async () => {
    const captain = await captainOfNewBusiness();
    await endSession(db, captain);
    const reader = readSse(
      openLiveStream({
        hub,
        businessId: captain.businessId,
        after: null,
        maxReplay: 1000,
        reader: {
          userId: captain.userId,
          rank: captain.rank,
          sessionId: captain.sessionId,
          sessionVersion: captain.sessionVersion,
          issuedAt: captain.issuedAt,
        },
      }),
    );
    readers.push(reader);
    expect(await endsWithin(reader, 1_000)).toBe(true);
    expect(reader.events.filter((e) => e.event === 'ready')).toHaveLength(0);
  });

  it.runIf(kind === 'postgres')('reaches every instance: a revocation NOTIFY closes the streams another hub holds', async () => {
    // Another instance: its own hub on its own LISTEN connection, its own revocation list.
    const list = new RevocationList();
    list.loaded = true;
    const other = new LiveHub({
      db,
      listenUrl: inject('postgresUrl'),
      heartbeatMs: 60_000,
      channels: { [SESSIONS_CHANNEL]: (p) => applyRevocationNotice(p, list) },
    });
    list.onRevocation((concerns) => other.closeStreams(concerns));
    try {
      const captain = await captainOfNewBusiness();
      const there = await stream(captain, other);
      expect(list.standing(captain)).toBe('current');
      await endSession(db, captain);
      expect(await endsWithin(there, 2_000)).toBe(true);
      expect(list.standing(captain)).toBe('ended');
    } finally {
      await other.close();
    }
  });
});
