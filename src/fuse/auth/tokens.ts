import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Database } from '@/fuse/db/client';
import type { Transaction } from '@/fuse/live/outbox';
import { accountTokens, type AccountTokenPurpose } from './schema';

/**
 * One-time links mailed to a user: 32 random bytes (base64url), of which only the SHA-256 is stored.
 * A token is spent by one UPDATE … WHERE used_at IS NULL AND expires_at > now() RETURNING, so of two
 * concurrent uses exactly one gets the row; spend it in the transaction that applies it, and a
 * failure after it leaves the link usable.
 */
export const TOKEN_TTL_SECONDS: Record<AccountTokenPurpose, number> = {
  verify_email: 24 * 60 * 60,
  reset_password: 30 * 60,
  change_email: 24 * 60 * 60,
  revert_email: 7 * 24 * 60 * 60,
};

/** What a token looks like; anything else is refused before it reaches the database. */
export const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;

type Executor = Database | Transaction;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Issues a token for `email` (the address the link is mailed to) and returns it; the caller mails
 * it and never stores or logs it. With `retire` (the default) the user's unused tokens of the same
 * purpose stop working: only the newest link counts.
 */
export async function issueToken(
  db: Executor,
  input: { userId: string; purpose: AccountTokenPurpose; email: string; retire?: boolean },
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  if (input.retire !== false) await retireTokens(db, input.userId, input.purpose);
  // The user's links that expired over a day ago go on the way, so the table holds about a day of links per user.
  await db.delete(accountTokens).where(and(eq(accountTokens.userId, input.userId), lt(accountTokens.expiresAt, sql`now() - interval '1 day'`)));
  await db.insert(accountTokens).values({
    tokenHash: hashToken(token),
    userId: input.userId,
    purpose: input.purpose,
    email: input.email,
    expiresAt: sql`now() + make_interval(secs => ${TOKEN_TTL_SECONDS[input.purpose]})`,
  });
  return token;
}

/** Spends a token: its user and address, or null when it is unknown, of another purpose, used or expired. */
export async function consumeToken(db: Executor, purpose: AccountTokenPurpose, token: unknown): Promise<{ userId: string; email: string } | null> {
  if (typeof token !== 'string' || !TOKEN_FORMAT.test(token)) return null;
  const [row] = await db
    .update(accountTokens)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(accountTokens.tokenHash, hashToken(token)),
        eq(accountTokens.purpose, purpose),
        isNull(accountTokens.usedAt),
        gt(accountTokens.expiresAt, sql`now()`),
      ),
    )
    .returning({ userId: accountTokens.userId, email: accountTokens.email });
  return row ?? null;
}

/** The user's unused tokens of these purposes stop working (a newer link, a reset, an account change). */
export async function retireTokens(db: Executor, userId: string, ...purposes: AccountTokenPurpose[]): Promise<void> {
  await db
    .update(accountTokens)
    .set({ usedAt: sql`now()` })
    .where(
      and(eq(accountTokens.userId, userId), isNull(accountTokens.usedAt), purposes.length ? inArray(accountTokens.purpose, purposes) : undefined),
    );
}
