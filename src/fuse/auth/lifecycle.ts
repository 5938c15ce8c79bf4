import 'server-only';
import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '@/fuse/db/client';
import { pgErrorCode, UNIQUE_VIOLATION } from '@/fuse/db/pg-error';
import { timed } from '@/fuse/db/timed';
import { ConflictError, ValidationError } from '@/fuse/http/errors';
import { recordChange } from '@/fuse/live/outbox';
import { idempotencyKeys, outbox } from '@/fuse/live/schema';
import { mailDelivery, sendMail } from '@/fuse/mail/mailer';
import { templates } from '@/fuse/mail/templates';
import { logger } from '@/fuse/observability/logger';
import { ForbiddenError } from '@/fuse/session/errors';
import { endSessionsOf, recheckSessionsOf } from '@/fuse/session/revocation';
import type { SessionInput } from '@/fuse/session/token';
import { sessionForUser } from './accounts';
import { hashPassword, verifyPassword } from './passwords';
import { businesses, memberships, users } from './schema';
import { consumeToken, issueToken, retireTokens } from './tokens';
import { emailField, passwordField } from './validators';

/**
 * The account lifecycle: email verification, password reset, email change (and its "this wasn't
 * me"), account deletion. Links are one-time tokens (src/fuse/auth/tokens.ts) mailed through the
 * platform's mailer (src/fuse/mail/mailer.ts).
 */

export const INVALID_LINK = 'This link has expired or has already been used. Ask for a new one.';

const tokenInput = z.object({ token: z.string({ error: 'The link is missing its token.' }).max(200, INVALID_LINK) });
const invalidLink = () => new ValidationError({ token: INVALID_LINK }, INVALID_LINK);

/**
 * Actions that need a verified email address, with the refusal each gives. The data layer asserts
 * them with `assertVerified` after the rank check (`assertCan`): inviting others mails strangers in
 * the business's name, billing mails receipts and decides who pays.
 */
export const VERIFIED_ACTIONS = {
  'team.invite': 'Confirm your email address before inviting others: check your inbox, or send the link again.',
  'billing.manage': 'Confirm your email address before changing billing: check your inbox, or send the link again.',
} as const;
export type VerifiedAction = keyof typeof VERIFIED_ACTIONS;

/**
 * Users this instance has seen verified. Verification is never undone (every write of
 * `email_verified_at` sets it or keeps it), so a user once seen verified needs no further read to
 * know it: the dashboard's banner check then costs nothing per page. Bounded; emptied when full.
 */
const seenVerified = new Set<string>();
const SEEN_VERIFIED_MAX = 200_000;

function rememberVerified(userId: string): void {
  if (seenVerified.size >= SEEN_VERIFIED_MAX) seenVerified.clear();
  seenVerified.add(userId);
}

/**
 * A 403 with the action's message unless the user's address is verified. A server that cannot send
 * mail (production without SMTP_URL) can verify no one, and sends nothing anyone could abuse: there
 * the check passes, as docs/security.md explains.
 */
export async function assertVerified(db: Database, scope: { userId: string }, action: VerifiedAction): Promise<void> {
  if (mailDelivery() === 'none' || seenVerified.has(scope.userId)) return;
  const [row] = await timed('accounts.emailVerified', () =>
    db.select({ verifiedAt: users.emailVerifiedAt }).from(users).where(eq(users.id, scope.userId)).limit(1),
  );
  if (!row?.verifiedAt) throw new ForbiddenError(VERIFIED_ACTIONS[action]);
  rememberVerified(scope.userId);
}

/** The profile to show the "confirm your email address" banner with, or null when none is due. */
export async function unverifiedProfile(db: Database, userId: string): Promise<AccountProfile | null> {
  if (seenVerified.has(userId)) return null;
  const profile = await accountProfile(db, userId);
  return profile && !profile.emailVerified ? profile : null;
}

export type AccountProfile = { id: string; name: string; email: string; emailVerified: boolean; createdAt: string };

/** The signed-in user's own profile (GET /api/account). */
export async function accountProfile(db: Database, userId: string): Promise<AccountProfile | null> {
  const [row] = await timed('accounts.profile', () =>
    db
      .select({ id: users.id, name: users.name, email: users.email, verifiedAt: users.emailVerifiedAt, createdAt: users.createdAt })
      .from(users)
      .where(eq(users.id, userId))
      .limit(1),
  );
  if (!row) return null;
  if (row.verifiedAt) rememberVerified(row.id);
  return { id: row.id, name: row.name, email: row.email, emailVerified: row.verifiedAt !== null, createdAt: row.createdAt.toISOString() };
}

/** Mails a verification link to the user's current address; false when it is verified already. */
export async function sendVerificationEmail(db: Database, userId: string, origin: string): Promise<boolean> {
  const [user] = await db
    .select({ name: users.name, email: users.email, verifiedAt: users.emailVerifiedAt })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  if (!user || user.verifiedAt) return false;
  const token = await timed('accounts.issueVerification', () => issueToken(db, { userId, purpose: 'verify_email', email: user.email }));
  await sendMail(user.email, templates.verifyEmail({ name: user.name, link: `${origin}/verify-email?token=${token}` }), 'verify-email');
  return true;
}

/** Spends a verification link: the address it was sent to is verified, if it is still the user's. */
export async function verifyEmail(db: Database, raw: unknown): Promise<{ email: string }> {
  const parsed = tokenInput.safeParse(raw);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  return timed('accounts.verifyEmail', () =>
    db.transaction(async (tx) => {
      const token = await consumeToken(tx, 'verify_email', parsed.data.token);
      if (!token) throw invalidLink();
      const [row] = await tx
        .update(users)
        .set({ emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, now())` })
        .where(and(eq(users.id, token.userId), sql`lower(${users.email}) = lower(${token.email})`))
        .returning({ email: users.email });
      if (!row) throw new ValidationError({ token: 'This link was for an address your account no longer uses.' }, INVALID_LINK);
      return row;
    }),
  );
}

export const passwordResetInput = z.object({ email: emailField });

/**
 * The mail of a password reset request, if the address has an account. The route answers before
 * this runs (the same 202 either way), so neither the answer nor its timing tells whether it has.
 */
export async function mailPasswordReset(db: Database, email: string, origin: string): Promise<void> {
  const [user] = await db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .where(sql`lower(${users.email}) = ${email.toLowerCase()}`)
    .limit(1);
  if (!user) return;
  const token = await timed('accounts.issueReset', () => issueToken(db, { userId: user.id, purpose: 'reset_password', email: user.email }));
  await sendMail(user.email, templates.passwordReset({ name: user.name, link: `${origin}/reset-password?token=${token}` }), 'password-reset');
}

export const passwordResetConfirmInput = z.object({
  token: z.string({ error: 'The link is missing its token.' }).max(200, INVALID_LINK),
  password: passwordField,
});

/**
 * Spends a reset link: sets the password, ends every session of the user (on every instance) and
 * retires their other reset links, in one transaction. The address the link reached is verified on
 * the way. Returns the session to sign this browser in with (null: the user belongs to no business).
 */
export async function confirmPasswordReset(db: Database, raw: unknown): Promise<SessionInput | null> {
  const parsed = passwordResetConfirmInput.safeParse(raw);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  const passwordHash = await hashPassword(parsed.data.password);
  const userId = await timed('accounts.confirmReset', () =>
    db.transaction(async (tx) => {
      const token = await consumeToken(tx, 'reset_password', parsed.data.token);
      if (!token) throw invalidLink();
      await endSessionsOf(tx, token.userId, {
        passwordHash,
        emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, case when lower(${users.email}) = lower(${token.email}) then now() end)`,
      });
      await retireTokens(tx, token.userId, 'reset_password');
      return token.userId;
    }),
  );
  return sessionForUser(db, userId);
}

export const emailChangeInput = z.object({
  email: emailField,
  password: z.string({ error: 'Enter your password.' }).min(1, 'Enter your password.').max(256),
});

/**
 * Asks to change the user's address: after the password check, a confirmation link goes to the new
 * address. An address that already has an account gets a notice instead (nothing changes), so the
 * answer never tells whether an address is taken.
 */
export async function requestEmailChange(db: Database, userId: string, raw: unknown, origin: string): Promise<void> {
  const parsed = emailChangeInput.safeParse(raw);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  const { email, password } = parsed.data;
  const [user] = await db
    .select({ name: users.name, email: users.email, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  if (!user || !(await verifyPassword(user.passwordHash, password))) throw new ValidationError({ password: 'That is not your password.' });
  if (user.email.toLowerCase() === email) throw new ValidationError({ email: 'This is already your email address.' });
  const [taken] = await db
    .select({ id: users.id })
    .from(users)
    .where(sql`lower(${users.email}) = ${email}`)
    .limit(1);
  if (taken) {
    await sendMail(email, templates.emailTaken(), 'email-taken');
    return;
  }
  const token = await timed('accounts.issueEmailChange', () => issueToken(db, { userId, purpose: 'change_email', email }));
  await sendMail(email, templates.confirmEmailChange({ name: user.name, link: `${origin}/confirm-email?token=${token}` }), 'confirm-email-change');
}

/**
 * Spends an email-change link: the account's address becomes the new (verified) one, the user's
 * cookies are re-minted with it, and the old address is told, with a "this wasn't me" link.
 */
export async function confirmEmailChange(db: Database, raw: unknown, origin: string): Promise<{ email: string }> {
  const parsed = tokenInput.safeParse(raw);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  const done = await timed('accounts.confirmEmailChange', async () => {
    try {
      return await db.transaction(async (tx) => {
        const token = await consumeToken(tx, 'change_email', parsed.data.token);
        if (!token) throw invalidLink();
        const [before] = await tx
          .select({ email: users.email, name: users.name })
          .from(users)
          .where(eq(users.id, token.userId))
          .for('update')
          .limit(1);
        if (!before) throw invalidLink();
        await tx
          .update(users)
          .set({ email: token.email, emailVerifiedAt: sql`now()` })
          .where(eq(users.id, token.userId));
        await retireTokens(tx, token.userId, 'verify_email', 'reset_password', 'change_email');
        const revert = await issueToken(tx, { userId: token.userId, purpose: 'revert_email', email: before.email, retire: false });
        await recheckSessionsOf(tx, token.userId, null);
        return { oldEmail: before.email, name: before.name, email: token.email, revert };
      });
    } catch (err) {
      if (pgErrorCode(err) === UNIQUE_VIOLATION) throw new ConflictError('Another account uses this email address now, so it cannot be yours.');
      throw err;
    }
  });
  // The change has committed: a mail server failure is logged, not turned into a failed confirmation.
  await sendMail(
    done.oldEmail,
    templates.emailChanged({ name: done.name, newEmail: done.email, link: `${origin}/revert-email?token=${done.revert}` }),
    'email-changed',
  ).catch((err: Error) => logger.error({ err: { name: err.name, message: err.message } }, 'email-changed notice failed'));
  return { email: done.email };
}

/**
 * "This wasn't me", from the notice the old address got: the address goes back to it (unless
 * another account has taken it meanwhile), every session of the user ends on every instance, and
 * every open link of the user stops working. The owner then resets their password.
 */
export async function revertEmailChange(db: Database, raw: unknown): Promise<{ email: string }> {
  const parsed = tokenInput.safeParse(raw);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  return timed('accounts.revertEmailChange', () =>
    db.transaction(async (tx) => {
      const token = await consumeToken(tx, 'revert_email', parsed.data.token);
      if (!token) throw invalidLink();
      const [other] = await tx
        .select({ id: users.id })
        .from(users)
        .where(and(sql`lower(${users.email}) = lower(${token.email})`, ne(users.id, token.userId)))
        .limit(1);
      const set = other ? {} : { email: token.email, emailVerifiedAt: sql`now()` };
      await endSessionsOf(tx, token.userId, set);
      await retireTokens(tx, token.userId, 'verify_email', 'reset_password', 'change_email');
      const [row] = await tx.select({ email: users.email }).from(users).where(eq(users.id, token.userId)).limit(1);
      return { email: row!.email };
    }),
  );
}

export const deleteAccountInput = z.object({
  password: z.string({ error: 'Enter your password.' }).min(1, 'Enter your password.').max(256),
});

const CAPTAIN_RANKS = ['captain', 'commodore'] as const;

/**
 * Deletes the account after the password check. Refused (409) while the user is the only captain
 * of a business that has other members. Otherwise, in one transaction: their memberships go (the
 * businesses they leave hear of it live), businesses left with no member are deleted with all
 * their data, every session ends on every instance, and the user row goes (sessions and links
 * with it).
 */
export async function deleteAccount(db: Database, userId: string, raw: unknown): Promise<void> {
  const parsed = deleteAccountInput.safeParse(raw);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  const [user] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId)).limit(1);
  if (!user || !(await verifyPassword(user.passwordHash, parsed.data.password)))
    throw new ValidationError({ password: 'That is not your password.' });
  await timed('accounts.delete', () =>
    db.transaction(async (tx) => {
      const mine = await tx
        .select({ businessId: memberships.businessId, rank: memberships.rank })
        .from(memberships)
        .where(eq(memberships.userId, userId))
        .for('update');
      const businessIds = mine.map((m) => m.businessId);
      if (businessIds.length) {
        // Every membership of these businesses, locked: a promotion committing meanwhile is seen.
        const all = await tx
          .select({ businessId: memberships.businessId, userId: memberships.userId, rank: memberships.rank, name: businesses.name })
          .from(memberships)
          .innerJoin(businesses, eq(businesses.id, memberships.businessId))
          .where(inArray(memberships.businessId, businessIds))
          .for('update', { of: memberships });
        for (const m of mine) {
          const others = all.filter((o) => o.businessId === m.businessId && o.userId !== userId);
          const isCaptain = (CAPTAIN_RANKS as readonly string[]).includes(m.rank);
          if (isCaptain && others.length > 0 && !others.some((o) => (CAPTAIN_RANKS as readonly string[]).includes(o.rank))) {
            const name = all.find((o) => o.businessId === m.businessId)?.name ?? '';
            throw new ConflictError(`You are the only captain of ${name}. Make another member captain before deleting your account.`);
          }
        }
        await tx.delete(memberships).where(eq(memberships.userId, userId));
        const emptied = businessIds.filter((id) => !all.some((o) => o.businessId === id && o.userId !== userId));
        const left = businessIds.filter((id) => !emptied.includes(id));
        for (const businessId of left) {
          await recordChange(tx, { businessId, domain: 'team', kind: 'member-removed', entityId: userId, data: { userId } });
        }
        if (emptied.length) {
          // Tenant tables cascade from their business; the outbox and idempotency keys carry no foreign key.
          await tx.delete(outbox).where(inArray(outbox.businessId, emptied));
          await tx.delete(idempotencyKeys).where(inArray(idempotencyKeys.businessId, emptied));
          await tx.delete(businesses).where(inArray(businesses.id, emptied));
        }
      }
      // Earlier live events that named the user (their email) go too.
      await tx.delete(outbox).where(and(eq(outbox.domain, 'team'), eq(outbox.entityId, userId), ne(outbox.kind, 'member-removed')));
      await endSessionsOf(tx, userId, {});
      await tx.delete(users).where(eq(users.id, userId));
    }),
  );
}
