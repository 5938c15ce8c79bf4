import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { signIn, signUp } from '@/fuse/auth/accounts';
import { memberships, users } from '@/fuse/auth/schema';
import { changePassword, currentSessionInput, recheckSession, revokeAllSessions } from '@/fuse/session/revocation';
import type { Session } from '@/fuse/session/token';
import { describeEachDatabase } from '../setup/each-database';

const PASSWORD = 'first-Password-2026';

describeEachDatabase('hardening: session revocation', ({ db }) => {
  async function newSession(): Promise<Session> {
    const input = await signUp(db(), {
      email: `rev-${randomUUID()}@example.test`,
      password: PASSWORD,
      name: 'Rev',
      businessName: 'Revocation Co',
    });
    return { ...input, issuedAt: 0, expiresAt: 0 };
  }

  it('accepts a current session and re-reads rank and profile from the database', async () => {
    const s = await newSession();
    expect(await recheckSession(db(), s)).toMatchObject({ userId: s.userId, rank: 'captain', sessionVersion: s.sessionVersion });
    await db().update(users).set({ name: 'Renamed' }).where(eq(users.id, s.userId));
    expect((await recheckSession(db(), s))?.name).toBe('Renamed');
  });

  it('sign out everywhere revokes every older cookie', async () => {
    const s = await newSession();
    const next = await revokeAllSessions(db(), s.userId);
    expect(next).toBe(s.sessionVersion + 1);
    expect(await recheckSession(db(), s)).toBeNull();
    expect(await recheckSession(db(), { ...s, sessionVersion: next })).not.toBeNull();
  });

  it('a demotion shows in the re-checked rank; a removed membership ends the session', async () => {
    const s = await newSession();
    await db().update(memberships).set({ rank: 'crew' }).where(eq(memberships.userId, s.userId));
    expect((await recheckSession(db(), s))?.rank).toBe('crew');
    await db().delete(memberships).where(eq(memberships.userId, s.userId));
    expect(await recheckSession(db(), s)).toBeNull();
    expect(await currentSessionInput(db(), randomUUID(), s.businessId)).toBeNull();
  });

  it('a password change checks the current password and bumps the version', async () => {
    const s = await newSession();
    await expect(changePassword(db(), s.userId, { currentPassword: 'wrong', newPassword: 'second-Password-2026' })).rejects.toMatchObject({ status: 400 });
    await expect(changePassword(db(), s.userId, { currentPassword: PASSWORD, newPassword: 'short' })).rejects.toMatchObject({ status: 400 });
    const version = await changePassword(db(), s.userId, { currentPassword: PASSWORD, newPassword: 'second-Password-2026' });
    expect(version).toBe(s.sessionVersion + 1);
    expect(await recheckSession(db(), s)).toBeNull();
    await expect(signIn(db(), { email: s.email, password: PASSWORD })).rejects.toMatchObject({ status: 401 });
    expect((await signIn(db(), { email: s.email, password: 'second-Password-2026' })).sessionVersion).toBe(version);
  });
});
