import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { verifyPassword, hashPassword } from '@/fuse/auth/passwords';
import { memberships, users } from '@/fuse/auth/schema';
import type { Rank } from '@/fuse/auth/schema-types';
import { passwordField } from '@/fuse/auth/validators';
import type { Database } from '@/fuse/db/client';
import { timed } from '@/fuse/db/timed';
import { ValidationError } from '@/fuse/http/errors';
import type { Session, SessionInput } from './token';

/**
 * Session revocation. A session cookie carries the user's `session_version` (`sv`); "sign out
 * everywhere" and a password change bump the column, so every older cookie stops being accepted
 * wherever it is checked against the database: on every mutation (`withSession`) and, for reads,
 * when the proxy re-checks a cookie older than SESSION_REFRESH_SECONDS.
 */

/**
 * The user's current standing in the session's business, in one query on two primary keys:
 * session version, rank (platform admirals carry `admiral`), and the profile fields a cookie holds.
 * Null when the user or the membership no longer exists.
 */
export async function currentSessionInput(db: Database, userId: string, businessId: string): Promise<SessionInput | null> {
  return timed('session.current', async () => {
    const rows = await db
      .select({
        sessionVersion: users.sessionVersion,
        isAdmiral: users.isAdmiral,
        name: users.name,
        email: users.email,
        theme: users.theme,
        rank: memberships.rank,
      })
      .from(users)
      .leftJoin(memberships, and(eq(memberships.userId, users.id), eq(memberships.businessId, businessId)))
      .where(eq(users.id, userId))
      .limit(1);
    const row = rows[0];
    if (!row) return null;
    if (!row.rank && !row.isAdmiral) return null;
    const rank: Rank = row.isAdmiral ? 'admiral' : row.rank!;
    return {
      userId,
      businessId,
      rank,
      name: row.name,
      email: row.email,
      theme: row.theme,
      sessionVersion: row.sessionVersion,
    };
  });
}

/** The session as the database sees it now, or null when the cookie has been revoked. */
export async function recheckSession(db: Database, session: Session): Promise<Session | null> {
  const current = await currentSessionInput(db, session.userId, session.businessId);
  if (!current || current.sessionVersion !== session.sessionVersion) return null;
  return { ...session, ...current };
}

/** Bumps the session version: every cookie issued before now stops working. Returns the new version. */
export async function revokeAllSessions(db: Database, userId: string): Promise<number> {
  return timed('session.revokeAll', async () => {
    const [row] = await db
      .update(users)
      .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
      .where(eq(users.id, userId))
      .returning({ sessionVersion: users.sessionVersion });
    return row?.sessionVersion ?? 0;
  });
}

export const changePasswordInput = z.object({
  currentPassword: z.string({ error: 'Enter your current password.' }).min(1, 'Enter your current password.').max(256),
  newPassword: passwordField,
});

/**
 * Changes the password after checking the current one, and bumps the session version in the same
 * statement, so every other device is signed out. The caller re-issues this device's cookie.
 */
export async function changePassword(db: Database, userId: string, raw: unknown): Promise<number> {
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
  return timed('session.changePassword', async () => {
    const [row] = await db
      .update(users)
      .set({ passwordHash, sessionVersion: sql`${users.sessionVersion} + 1` })
      .where(eq(users.id, userId))
      .returning({ sessionVersion: users.sessionVersion });
    return row!.sessionVersion;
  });
}
