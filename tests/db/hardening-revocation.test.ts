import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { signIn, signUp } from '@/fuse/auth/accounts';
import { memberships, users } from '@/fuse/auth/schema';
import { changePassword, currentSessionInput, recheckSession, revokeAllSessions } from '@/fuse/session/revocation';
import { RevocationList } from '@/fuse/session/revoked';
import { sessions } from '@/fuse/session/schema';
import { addressSummary, endSession, loadRevocations, startSession } from '@/fuse/session/sessions';
import type { Session } from '@/fuse/session/token';
import { describeEachDatabase } from '../setup/each-database';

const PASSWORD = 'first-Password-2026';
const ORIGIN = { userAgent: 'Mozilla/5.0 (test)', ip: '203.0.113.77' };

describeEachDatabase('hardening: session revocation', ({ db }) => {
  async function newSession(): Promise<Session> {
    const input = await signUp(db(), {
      email: `rev-${randomUUID()}@example.test`,
      password: PASSWORD,
      name: 'Rev',
      businessName: 'Revocation Co',
    });
    return anotherDevice({ ...input, sessionId: '', sessionExpiresAt: 0, issuedAt: 0, expiresAt: 0 });
  }

  /** A second sign-in of the same user: a session of its own. */
  async function anotherDevice(s: Session): Promise<Session> {
    const grant = await startSession(db(), s, ORIGIN);
    return { ...grant, issuedAt: Math.floor(Date.now() / 1000), expiresAt: grant.sessionExpiresAt };
  }

  const rowOf = async (id: string) => (await db().select().from(sessions).where(eq(sessions.id, id)))[0];

  it('starts a session row with its absolute end, user agent and a coarse address', async () => {
    const s = await newSession();
    const row = await rowOf(s.sessionId);
    expect(row).toMatchObject({ userId: s.userId, userAgent: ORIGIN.userAgent, ipSummary: '203.0.113.0/24', revokedAt: null });
    // SESSION_LIFETIME_DAYS defaults to 30.
    const days = (row!.expiresAt.getTime() - row!.createdAt.getTime()) / 86_400_000;
    expect(days).toBeCloseTo(30, 3);
    expect(s.sessionExpiresAt).toBe(Math.floor(row!.expiresAt.getTime() / 1000));
    expect(addressSummary('2001:db8:abcd:12::1')).toBe('2001:db8:abcd::/48');
    expect(addressSummary('::ffff:198.51.100.9')).toBe('198.51.100.0/24');
    expect(addressSummary('not an address')).toBeNull();
  });

  it('accepts a current session and re-reads rank and profile from the database', async () => {
    const s = await newSession();
    expect(await recheckSession(db(), s)).toMatchObject({
      userId: s.userId,
      rank: 'captain',
      sessionVersion: s.sessionVersion,
      sessionId: s.sessionId,
    });
    await db().update(users).set({ name: 'Renamed' }).where(eq(users.id, s.userId));
    expect((await recheckSession(db(), s))?.name).toBe('Renamed');
  });

  it('sign-out ends that session only; an unknown, foreign or expired session is refused', async () => {
    const s = await newSession();
    const other = await anotherDevice(s);
    await endSession(db(), s);
    expect(await recheckSession(db(), s)).toBeNull();
    expect((await rowOf(s.sessionId))!.revokedAt).toBeInstanceOf(Date);
    expect(await recheckSession(db(), other)).not.toBeNull();
    expect(await recheckSession(db(), { ...other, sessionId: randomUUID() })).toBeNull();
    // Another user's session id under this user's cookie is not this user's session.
    const stranger = await newSession();
    expect(await recheckSession(db(), { ...other, sessionId: stranger.sessionId })).toBeNull();
    await db()
      .update(sessions)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(sessions.id, other.sessionId));
    expect(await recheckSession(db(), other)).toBeNull();
  });

  it('sign out everywhere revokes every older cookie and every session row', async () => {
    const s = await newSession();
    const other = await anotherDevice(s);
    const next = await revokeAllSessions(db(), s.userId);
    expect(next).toBe(s.sessionVersion + 1);
    expect(await recheckSession(db(), s)).toBeNull();
    // Ended rows stay ended even with the new version (a cookie minted for them is no session).
    expect(await recheckSession(db(), { ...other, sessionVersion: next })).toBeNull();
    expect((await rowOf(other.sessionId))!.revokedAt).toBeInstanceOf(Date);
    const fresh = await anotherDevice({ ...s, sessionVersion: next });
    expect(await recheckSession(db(), fresh)).not.toBeNull();
  });

  it('a demotion shows in the re-checked rank; a removed membership ends the session', async () => {
    const s = await newSession();
    await db().update(memberships).set({ rank: 'crew' }).where(eq(memberships.userId, s.userId));
    expect((await recheckSession(db(), s))?.rank).toBe('crew');
    await db().delete(memberships).where(eq(memberships.userId, s.userId));
    expect(await recheckSession(db(), s)).toBeNull();
    expect(await currentSessionInput(db(), randomUUID(), s.businessId)).toBeNull();
  });

  it('a password change checks the current password, bumps the version and ends the other sessions only', async () => {
    const s = await newSession();
    const other = await anotherDevice(s);
    await expect(
      changePassword(db(), s.userId, { currentPassword: 'wrong', newPassword: 'second-Password-2026' }, s.sessionId),
    ).rejects.toMatchObject({ status: 400 });
    await expect(changePassword(db(), s.userId, { currentPassword: PASSWORD, newPassword: 'short' }, s.sessionId)).rejects.toMatchObject({
      status: 400,
    });
    const version = await changePassword(db(), s.userId, { currentPassword: PASSWORD, newPassword: 'second-Password-2026' }, s.sessionId);
    expect(version).toBe(s.sessionVersion + 1);
    expect(await recheckSession(db(), s)).toBeNull();
    // This device's session goes on with the new version; the other device's has ended.
    expect(await recheckSession(db(), { ...s, sessionVersion: version })).toMatchObject({ sessionId: s.sessionId });
    expect((await rowOf(other.sessionId))!.revokedAt).toBeInstanceOf(Date);
    expect((await rowOf(s.sessionId))!.revokedAt).toBeNull();
    await expect(signIn(db(), { email: s.email, password: PASSWORD })).rejects.toMatchObject({ status: 401 });
    expect((await signIn(db(), { email: s.email, password: 'second-Password-2026' })).sessionVersion).toBe(version);
  });

  it('an instance that starts reads the revocations that still matter', async () => {
    const signedOut = await newSession();
    await endSession(db(), signedOut);
    const everywhere = await newSession();
    const version = await revokeAllSessions(db(), everywhere.userId);
    const untouched = await newSession();
    // A session that ended long ago and has run out is not worth remembering.
    const old = await newSession();
    await endSession(db(), old);
    await db()
      .update(sessions)
      .set({ expiresAt: sql`now() - interval '1 day'` })
      .where(eq(sessions.id, old.sessionId));

    const list = new RevocationList();
    expect(list.standing(untouched)).toBe('recheck');
    await loadRevocations(db(), list);
    expect(list.standing(signedOut)).toBe('ended');
    expect(list.standing(everywhere)).toBe('ended');
    // A new sign-in after it (new session, new version) is fine.
    expect(list.standing({ ...everywhere, sessionId: randomUUID(), sessionVersion: version, issuedAt: Math.floor(Date.now() / 1000) + 5 })).toBe(
      'current',
    );
    expect(list.standing(untouched)).toBe('current');
    expect(list.standing(old)).toBe('current');
  });
});
