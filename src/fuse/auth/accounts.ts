import { and, asc, eq, sql } from 'drizzle-orm';
import type { Database } from '@/fuse/db/client';
import { pgErrorCode, UNIQUE_VIOLATION } from '@/fuse/db/pg-error';
import { timed } from '@/fuse/db/timed';
import { ValidationError } from '@/fuse/http/errors';
import type { SessionInput } from '@/fuse/session/token';
import { burnPasswordCheck, hashPassword, verifyPassword } from './passwords';
import { businesses, memberships, subscriptions, users } from './schema';
import type { Rank } from './schema-types';
import { signInInput, signUpInput } from './validators';

/** The one message for an unknown email and a wrong password, so neither reveals which it was. */
export const INVALID_CREDENTIALS = 'That email and password do not match an account.';

export class InvalidCredentialsError extends Error {
  readonly status = 401;
  constructor() {
    super(INVALID_CREDENTIALS);
    this.name = 'InvalidCredentialsError';
  }
}

/** Creates a business, its first user (rank captain) and a free subscription, in one transaction. */
export async function signUp(db: Database, raw: unknown): Promise<SessionInput> {
  const parsed = signUpInput.safeParse(raw);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  const input = parsed.data;
  const passwordHash = await hashPassword(input.password);
  try {
    return await timed('accounts.signUp', () =>
      db.transaction(async (tx) => {
        const [business] = await tx.insert(businesses).values({ name: input.businessName }).returning();
        const [user] = await tx.insert(users).values({ email: input.email, name: input.name, passwordHash }).returning();
        await tx.insert(memberships).values({ businessId: business!.id, userId: user!.id, rank: 'captain' });
        await tx.insert(subscriptions).values({
          businessId: business!.id,
          plan: 'free',
          status: 'active',
          currentPeriodEnd: sql`now() + interval '30 days'`,
        });
        return {
          userId: user!.id,
          businessId: business!.id,
          rank: 'captain' as const,
          name: user!.name,
          email: user!.email,
          theme: user!.theme,
          sessionVersion: user!.sessionVersion,
        };
      }),
    );
  } catch (err) {
    if (pgErrorCode(err) === UNIQUE_VIOLATION) throw new ValidationError({ email: 'An account with this email already exists.' });
    throw err;
  }
}

/**
 * The user's session for a business they belong to (admirals carry their platform rank). Without a
 * business: the one they last switched to, else their earliest membership (ties by business id),
 * so a member of several businesses always lands in the same, most useful one.
 */
export async function sessionForUser(db: Database, userId: string, businessId?: string): Promise<SessionInput | null> {
  return timed('accounts.sessionForUser', async () => {
    const rows = await db
      .select({
        userId: users.id,
        name: users.name,
        email: users.email,
        theme: users.theme,
        sessionVersion: users.sessionVersion,
        isAdmiral: users.isAdmiral,
        businessId: memberships.businessId,
        rank: memberships.rank,
      })
      .from(users)
      .innerJoin(memberships, eq(memberships.userId, users.id))
      .where(businessId ? and(eq(users.id, userId), eq(memberships.businessId, businessId)) : eq(users.id, userId))
      .orderBy(sql`${memberships.lastSwitchedAt} desc nulls last`, asc(memberships.createdAt), asc(memberships.businessId))
      .limit(1);
    const row = rows[0];
    if (!row) return null;
    const rank: Rank = row.isAdmiral ? 'admiral' : row.rank;
    return {
      userId: row.userId,
      businessId: row.businessId,
      rank,
      name: row.name,
      email: row.email,
      theme: row.theme,
      sessionVersion: row.sessionVersion,
    };
  });
}

/** Remembers the business a member switched to, where the next sign-in lands (see sessionForUser). */
export async function rememberSwitchedBusiness(db: Database, userId: string, businessId: string): Promise<void> {
  await timed('accounts.rememberSwitchedBusiness', () =>
    db
      .update(memberships)
      .set({ lastSwitchedAt: sql`now()` })
      .where(and(eq(memberships.userId, userId), eq(memberships.businessId, businessId))),
  );
}

export async function signIn(db: Database, raw: unknown): Promise<SessionInput> {
  const parsed = signInInput.safeParse(raw);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  const { email, password } = parsed.data;
  const [user] = await timed('accounts.findUserByEmail', () =>
    db
      .select({ id: users.id, passwordHash: users.passwordHash })
      .from(users)
      .where(sql`lower(${users.email}) = ${email}`)
      .limit(1),
  );
  if (!user) {
    await burnPasswordCheck(password);
    throw new InvalidCredentialsError();
  }
  if (!(await verifyPassword(user.passwordHash, password))) throw new InvalidCredentialsError();
  const session = await sessionForUser(db, user.id);
  if (!session) throw new InvalidCredentialsError();
  return session;
}
