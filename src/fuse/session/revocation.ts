import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { verifyPassword, hashPassword } from '@/fuse/auth/passwords';
import { memberships, users } from '@/fuse/auth/schema';
import type { Rank } from '@/fuse/auth/schema-types';
import { passwordField } from '@/fuse/auth/validators';
import type { Database } from '@/fuse/db/client';
import { timed } from '@/fuse/db/timed';
import { ValidationError } from '@/fuse/http/errors';
import type { Transaction } from '@/fuse/live/outbox';
import { sessions } from './schema';
import { announceRevocation } from './sessions';
import type { Session, SessionInput } from './token';

/**
 * Session revocation. A session cookie carries its session id (`sid`, a row in `sessions`) and the
 * user's `session_version` (`sv`). Sign-out ends the session's row; "sign out everywhere" and a
 * password change bump the version and end the rows; a rank change or removal marks the user's
 * cookies for a re-check. Each is announced to every instance (src/fuse/session/sessions.ts), which
 * refuses or re-checks such a cookie from memory on reads; every mutation (`withSession`) and every
 * refresh checks the database itself.
 */

/**
 * The user's current standing in the session's business, in one query on primary keys: session
 * version, rank (platform admirals carry `admiral`), the profile fields a cookie holds and, given a
 * session id, that session's absolute end. Null when the user or the membership no longer exists,
 * or the session has been revoked or has run out.
 */
export async function currentSessionInput(
  db: Database,
  userId: string,
  businessId: string,
  sessionId?: string,
): Promise<(SessionInput & { sessionExpiresAt: number | null }) | null> {
  return timed('session.current', async () => {
    const rows = await db
      .select({
        sessionVersion: users.sessionVersion,
        isAdmiral: users.isAdmiral,
        name: users.name,
        email: users.email,
        theme: users.theme,
        rank: memberships.rank,
        sessionExpiresAt: sessions.expiresAt,
        sessionLive: sql<boolean>`${sessions.revokedAt} is null and ${sessions.expiresAt} > now()`,
      })
      .from(users)
      .leftJoin(memberships, and(eq(memberships.userId, users.id), eq(memberships.businessId, businessId)))
      .leftJoin(sessions, and(eq(sessions.id, sessionId ?? sql`null`), eq(sessions.userId, users.id)))
      .where(eq(users.id, userId))
      .limit(1);
    const row = rows[0];
    if (!row) return null;
    if (!row.rank && !row.isAdmiral) return null;
    if (sessionId !== undefined && (!row.sessionExpiresAt || !row.sessionLive)) return null;
    const rank: Rank = row.isAdmiral ? 'admiral' : row.rank!;
    return {
      userId,
      businessId,
      rank,
      name: row.name,
      email: row.email,
      theme: row.theme,
      sessionVersion: row.sessionVersion,
      sessionExpiresAt: row.sessionExpiresAt ? Math.floor(row.sessionExpiresAt.getTime() / 1000) : null,
    };
  });
}

/** The session as the database sees it now, or null when the cookie has been revoked (or its session has ended). */
export async function recheckSession(db: Database, session: Session): Promise<Session | null> {
  const current = await currentSessionInput(db, session.userId, session.businessId, session.sessionId);
  if (!current || current.sessionVersion !== session.sessionVersion) return null;
  return { ...session, ...current, sessionExpiresAt: Math.min(session.sessionExpiresAt, current.sessionExpiresAt!) };
}

/**
 * Bumps the session version and ends the user's sessions except `keepSessionId`, in the caller's
 * transaction, and announces it: every cookie issued before stops working on every instance.
 * `set` changes the user row in the same statement (a new password hash).
 */
export async function endSessionsOf(tx: Transaction, userId: string, set: PgUpdateSetSource<typeof users>, keepSessionId?: string): Promise<number> {
  const [row] = await tx
    .update(users)
    .set({ ...set, sessionVersion: sql`${users.sessionVersion} + 1`, sessionsChangedAt: sql`now()` })
    .where(eq(users.id, userId))
    .returning({ sessionVersion: users.sessionVersion });
  if (!row) return 0;
  await tx
    .update(sessions)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), keepSessionId ? ne(sessions.id, keepSessionId) : undefined));
  await announceRevocation(tx, { kind: 'user', userId, minVersion: row.sessionVersion, at: Date.now() });
  return row.sessionVersion;
}

/** Sign out everywhere: every session of the user ends, this one included. Returns the new version. */
export async function revokeAllSessions(db: Database, userId: string): Promise<number> {
  return timed('session.revokeAll', () => db.transaction((tx) => endSessionsOf(tx, userId, {})));
}

/**
 * The user's rank in a business changed, or their membership ended (or, with a null business, their
 * profile changed, e.g. their email address): their cookies issued before now are re-checked (re-minted with the new rank, or refused without a membership) on every
 * instance, and their open live streams of that business close. Call it in the change's transaction.
 */
export async function recheckSessionsOf(tx: Transaction, userId: string, businessId: string | null): Promise<void> {
  await tx
    .update(users)
    .set({ sessionsChangedAt: sql`now()` })
    .where(eq(users.id, userId));
  await announceRevocation(tx, { kind: 'recheck', userId, businessId, at: Date.now() });
}

export const changePasswordInput = z.object({
  currentPassword: z.string({ error: 'Enter your current password.' }).min(1, 'Enter your current password.').max(256),
  newPassword: passwordField,
});

/**
 * Changes the password after checking the current one, bumps the session version and ends every
 * other session in the same transaction, so every other device is signed out. This device's
 * session (`keepSessionId`) stays; the caller re-issues its cookie with the new version.
 */
export async function changePassword(db: Database, userId: string, raw: unknown, keepSessionId: string): Promise<number> {
  const parsed = changePasswordInput.safeParse(raw);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  const { currentPassword, newPassword } = parsed.data;
  const [user] = await timed('session.passwordHash', () =>
    db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId)).limit(1),
  );
  if (!user || !(await verifyPassword(user.passwordHash, currentPassword))) {
    throw new ValidationError({ currentPassword: 'That is not your current password.' });
  }
  if (currentPassword === newPassword) throw new ValidationError({ newPassword: 'Choose a password you have not used here.' });
  const passwordHash = await hashPassword(newPassword);
  return timed('session.changePassword', () => db.transaction((tx) => endSessionsOf(tx, userId, { passwordHash }, keepSessionId)));
}
