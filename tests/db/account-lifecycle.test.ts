import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createInvite } from '@/domains/team/mutations';
import { createClient } from '@/domains/clients/mutations';
import { clients } from '@/domains/clients/schema';
import { signIn, signUp } from '@/fuse/auth/accounts';
import {
  accountProfile,
  assertVerified,
  confirmEmailChange,
  confirmPasswordReset,
  deleteAccount,
  INVALID_LINK,
  mailPasswordReset,
  requestEmailChange,
  revertEmailChange,
  sendVerificationEmail,
  verifyEmail,
} from '@/fuse/auth/lifecycle';
import { accountTokens, businesses, memberships, users } from '@/fuse/auth/schema';
import { consumeToken, hashToken, issueToken } from '@/fuse/auth/tokens';
import type { Database } from '@/fuse/db/client';
import { ConflictError, ValidationError } from '@/fuse/http/errors';
import { mailboxMessages } from '@/fuse/mail/mailbox';
import { ForbiddenError } from '@/fuse/session/errors';
import { sessions } from '@/fuse/session/schema';
import { endOwnSession, listSessions, startSession } from '@/fuse/session/sessions';
import type { SessionInput } from '@/fuse/session/token';
import { describeEachDatabase } from '../setup/each-database';
import { thrown } from '../setup/thrown';

const PASSWORD = 'harbour-lights-42';
const NEW_PASSWORD = 'tidal-charts-2077';
const ORIGIN = 'http://app.test';
const DEVICE = {
  userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  ip: '203.0.113.9',
};

/** The newest link to `path` mailed to `to` (the development mailbox holds what tests send). */
function linkFor(to: string, path: string): string {
  for (const m of mailboxMessages()) {
    if (m.to !== to) continue;
    const found = m.text.match(new RegExp(`${ORIGIN}${path}\\?token=([A-Za-z0-9_-]+)`));
    if (found) return found[1]!;
  }
  throw new Error(`no ${path} link mailed to ${to}`);
}

function mailsTo(to: string) {
  return mailboxMessages().filter((m) => m.to === to);
}

describeEachDatabase('account lifecycle', ({ db: getDb }) => {
  let db: Database;
  beforeAll(() => {
    db = getDb();
  });

  async function newUser(label: string): Promise<SessionInput & { sessionId: string }> {
    const email = `${label}-${randomUUID()}@example.com`;
    const input = await signUp(db, { email, password: PASSWORD, name: `${label} person`, businessName: `${label} business` });
    const grant = await startSession(db, input, DEVICE);
    return { ...input, sessionId: grant.sessionId };
  }

  describe('tokens', () => {
    it('stores only the SHA-256 of a token, and a token works once', async () => {
      const user = await newUser('tok');
      const token = await issueToken(db, { userId: user.userId, purpose: 'verify_email', email: user.email });
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const rows = await db.select().from(accountTokens).where(eq(accountTokens.userId, user.userId));
      expect(rows).toHaveLength(1);
      expect(rows[0]!.tokenHash).toBe(hashToken(token));
      expect(JSON.stringify(rows)).not.toContain(token);
      expect(await consumeToken(db, 'verify_email', token)).toEqual({ userId: user.userId, email: user.email });
      expect(await consumeToken(db, 'verify_email', token)).toBeNull();
    });

    it('refuses a tampered, malformed, other-purpose or expired token', async () => {
      const user = await newUser('tamper');
      const token = await issueToken(db, { userId: user.userId, purpose: 'reset_password', email: user.email });
      const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
      expect(await consumeToken(db, 'reset_password', flipped)).toBeNull();
      for (const bad of ['', 'x', `${token}x`, `${token.slice(0, 42)}%`, "' or 1=1 --", 42, null, { token }]) {
        expect(await consumeToken(db, 'reset_password', bad)).toBeNull();
      }
      expect(await consumeToken(db, 'verify_email', token)).toBeNull();
      // Still unused: the refusals above spent nothing. Now let it expire.
      await db
        .update(accountTokens)
        .set({ expiresAt: sql`now() - interval '1 second'` })
        .where(eq(accountTokens.tokenHash, hashToken(token)));
      expect(await consumeToken(db, 'reset_password', token)).toBeNull();
    });

    it('a reset link lasts 30 minutes, and a newer one retires the older', async () => {
      const user = await newUser('ttl');
      const first = await issueToken(db, { userId: user.userId, purpose: 'reset_password', email: user.email });
      const second = await issueToken(db, { userId: user.userId, purpose: 'reset_password', email: user.email });
      const [row] = await db
        .select({ minutes: sql<number>`round(extract(epoch from ${accountTokens.expiresAt} - ${accountTokens.createdAt}) / 60)::int` })
        .from(accountTokens)
        .where(eq(accountTokens.tokenHash, hashToken(second)));
      expect(row!.minutes).toBe(30);
      expect(await consumeToken(db, 'reset_password', first)).toBeNull();
      expect(await consumeToken(db, 'reset_password', second)).not.toBeNull();
    });

    it('a new link deletes the user’s links that expired over a day ago', async () => {
      const user = await newUser('prune');
      const old = await issueToken(db, { userId: user.userId, purpose: 'revert_email', email: user.email, retire: false });
      const recent = await issueToken(db, { userId: user.userId, purpose: 'revert_email', email: user.email, retire: false });
      await db
        .update(accountTokens)
        .set({ expiresAt: sql`now() - interval '25 hours'` })
        .where(eq(accountTokens.tokenHash, hashToken(old)));
      await db
        .update(accountTokens)
        .set({ expiresAt: sql`now() - interval '1 hour'` })
        .where(eq(accountTokens.tokenHash, hashToken(recent)));
      await issueToken(db, { userId: user.userId, purpose: 'verify_email', email: user.email });
      const left = await db.select({ hash: accountTokens.tokenHash }).from(accountTokens).where(eq(accountTokens.userId, user.userId));
      expect(left.map((r) => r.hash)).not.toContain(hashToken(old));
      expect(left.map((r) => r.hash)).toContain(hashToken(recent));
      expect(left).toHaveLength(2);
    });

    it('of concurrent uses of one token exactly one wins', async () => {
      const user = await newUser('race');
      for (let round = 0; round < 3; round++) {
        const token = await issueToken(db, { userId: user.userId, purpose: 'verify_email', email: user.email });
        const results = await Promise.all(Array.from({ length: 6 }, () => db.transaction((tx) => consumeToken(tx, 'verify_email', token))));
        expect(results.filter(Boolean)).toHaveLength(1);
      }
      // Two password resets confirmed at once with one link: one sets the password, the other is refused.
      await mailPasswordReset(db, user.email, ORIGIN);
      const link = linkFor(user.email, '/reset-password');
      const outcomes = await Promise.allSettled([
        confirmPasswordReset(db, { token: link, password: NEW_PASSWORD }),
        confirmPasswordReset(db, { token: link, password: `${NEW_PASSWORD}-x` }),
      ]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      expect(refused.reason).toBeInstanceOf(ValidationError);
      expect((refused.reason as Error).message).toBe(INVALID_LINK);
    });
  });

  it('verification: a new account is unverified and may not invite; the mailed link verifies it once', async () => {
    const user = await newUser('verify');
    expect((await accountProfile(db, user.userId))!.emailVerified).toBe(false);
    expect(await thrown(assertVerified(db, user, 'billing.manage'))).toBeInstanceOf(ForbiddenError);
    const refused = await thrown(createInvite(db, user, { email: `x-${randomUUID()}@example.com`, rank: 'crew' }, ORIGIN));
    expect(refused).toBeInstanceOf(ForbiddenError);
    expect(refused.message).toMatch(/confirm your email address/i);

    expect(await sendVerificationEmail(db, user.userId, ORIGIN)).toBe(true);
    const token = linkFor(user.email, '/verify-email');
    expect(await verifyEmail(db, { token })).toEqual({ email: user.email });
    expect((await accountProfile(db, user.userId))!.emailVerified).toBe(true);
    await assertVerified(db, user, 'team.invite');
    expect(await sendVerificationEmail(db, user.userId, ORIGIN)).toBe(false);
    const again = await thrown(verifyEmail(db, { token }));
    expect(again).toBeInstanceOf(ValidationError);
    expect(again.message).toBe(INVALID_LINK);
    const created = await createInvite(db, user, { email: `y-${randomUUID()}@example.com`, rank: 'crew' }, ORIGIN);
    expect(created.delivery).toBe('email');
    expect(mailsTo(created.invite.email)[0]!.text).toContain(`${ORIGIN}/join?token=`);
  });

  it('a verification link for an address the account no longer uses verifies nothing', async () => {
    const user = await newUser('stale');
    const token = await issueToken(db, { userId: user.userId, purpose: 'verify_email', email: `old-${randomUUID()}@example.com` });
    expect(await thrown(verifyEmail(db, { token }))).toBeInstanceOf(ValidationError);
    expect((await accountProfile(db, user.userId))!.emailVerified).toBe(false);
  });

  it('password reset: nothing is mailed for an unknown address; the link sets the password and ends every session', async () => {
    const before = mailboxMessages().length;
    await mailPasswordReset(db, `nobody-${randomUUID()}@example.com`, ORIGIN);
    expect(mailboxMessages().length).toBe(before);

    const user = await newUser('reset');
    await startSession(db, user, DEVICE);
    await mailPasswordReset(db, user.email.toUpperCase(), ORIGIN);
    const mail = mailsTo(user.email)[0]!;
    expect(mail.subject).toBe('Reset your FUSE password');
    expect(mail.html).toContain('<a href="http://app.test/reset-password?token=');
    const token = linkFor(user.email, '/reset-password');
    const weak = await thrown(confirmPasswordReset(db, { token, password: 'short' }));
    expect((weak as ValidationError).fields.password).toBeDefined();
    const session = await confirmPasswordReset(db, { token, password: NEW_PASSWORD });
    expect(session).toMatchObject({ userId: user.userId, businessId: user.businessId, sessionVersion: 2 });
    const live = await db
      .select()
      .from(sessions)
      .where(sql`${sessions.userId} = ${user.userId} and ${sessions.revokedAt} is null`);
    expect(live).toHaveLength(0);
    expect(await thrown(signIn(db, { email: user.email, password: PASSWORD }))).toBeDefined();
    expect((await signIn(db, { email: user.email, password: NEW_PASSWORD })).userId).toBe(user.userId);
    // The link reached the inbox: the address counts as verified.
    expect((await accountProfile(db, user.userId))!.emailVerified).toBe(true);
    expect(await thrown(confirmPasswordReset(db, { token, password: `${NEW_PASSWORD}-2` }))).toBeInstanceOf(ValidationError);
  });

  it('email change: password required, confirmed from the new address, undone from the old one', async () => {
    const user = await newUser('change');
    const next = `moved-${randomUUID()}@example.com`;
    const wrong = await thrown(requestEmailChange(db, user.userId, { email: next, password: 'not-my-password-1' }, ORIGIN));
    expect((wrong as ValidationError).fields.password).toBeDefined();
    expect(mailsTo(next)).toHaveLength(0);

    await requestEmailChange(db, user.userId, { email: next, password: PASSWORD }, ORIGIN);
    const token = linkFor(next, '/confirm-email');
    // Another user's link cannot be spent as one's own kind of link.
    expect(await thrown(verifyEmail(db, { token }))).toBeInstanceOf(ValidationError);
    expect(await confirmEmailChange(db, { token }, ORIGIN)).toEqual({ email: next });
    expect(await accountProfile(db, user.userId)).toMatchObject({ email: next, emailVerified: true });
    const notice = mailsTo(user.email)[0]!;
    expect(notice.subject).toBe('Your FUSE email address was changed');
    expect(notice.text).toContain(next);

    const revert = linkFor(user.email, '/revert-email');
    const [{ version }] = (await db.select({ version: users.sessionVersion }).from(users).where(eq(users.id, user.userId))) as [{ version: number }];
    expect(await revertEmailChange(db, { token: revert })).toEqual({ email: user.email });
    const [after] = await db.select().from(users).where(eq(users.id, user.userId));
    expect(after).toMatchObject({ email: user.email, sessionVersion: version + 1 });
    const live = await db
      .select()
      .from(sessions)
      .where(sql`${sessions.userId} = ${user.userId} and ${sessions.revokedAt} is null`);
    expect(live).toHaveLength(0);
    expect(await thrown(revertEmailChange(db, { token: revert }))).toBeInstanceOf(ValidationError);
  });

  it('email change to an address with an account: that address is told, nothing changes', async () => {
    const user = await newUser('taken-a');
    const other = await newUser('taken-b');
    await requestEmailChange(db, user.userId, { email: other.email, password: PASSWORD }, ORIGIN);
    expect(mailsTo(other.email)[0]!.subject).toMatch(/already|tried/i);
    expect(() => linkFor(other.email, '/confirm-email')).toThrow();
    expect((await accountProfile(db, user.userId))!.email).toBe(user.email);
    // Taken between request and confirmation: 409, and the link stays unspent.
    const free = `race-${randomUUID()}@example.com`;
    await requestEmailChange(db, user.userId, { email: free, password: PASSWORD }, ORIGIN);
    const token = linkFor(free, '/confirm-email');
    await db.update(users).set({ email: free }).where(eq(users.id, other.userId));
    expect(await thrown(confirmEmailChange(db, { token }, ORIGIN))).toBeInstanceOf(ConflictError);
    expect(await consumeToken(db, 'change_email', token)).not.toBeNull();
  });

  it('sessions: listed with device and network, ended by their owner only', async () => {
    const user = await newUser('sessions');
    const other = await newUser('intruder');
    const listed = await listSessions(db, user);
    expect(listed).toEqual([expect.objectContaining({ id: user.sessionId, device: 'Chrome 126 on macOS', ip: '203.0.113.0/24', current: true })]);
    expect(await endOwnSession(db, other.userId, user.sessionId)).toBe(false);
    expect(await endOwnSession(db, user.userId, randomUUID())).toBe(false);
    expect(await endOwnSession(db, user.userId, user.sessionId)).toBe(true);
    expect(await listSessions(db, user)).toEqual([]);
    expect(await endOwnSession(db, user.userId, user.sessionId)).toBe(false);
  });

  describe('account deletion', () => {
    async function join(businessId: string, userId: string, rank: 'crew' | 'captain') {
      await db.insert(memberships).values({ businessId, userId, rank });
    }

    it('needs the password, and refuses the only captain of a business with other members', async () => {
      const captain = await newUser('sole');
      const crew = await newUser('crew');
      await join(captain.businessId, crew.userId, 'crew');
      expect(((await thrown(deleteAccount(db, captain.userId, { password: 'wrong-password-1' }))) as ValidationError).fields.password).toBeDefined();
      const refused = await thrown(deleteAccount(db, captain.userId, { password: PASSWORD }));
      expect(refused).toBeInstanceOf(ConflictError);
      expect(refused.message).toMatch(/only captain of sole business/i);
      expect(await db.select().from(users).where(eq(users.id, captain.userId))).toHaveLength(1);
      // With a second captain, the first may go; the business stays with its members.
      await db.update(memberships).set({ rank: 'captain' }).where(eq(memberships.userId, crew.userId));
      await deleteAccount(db, captain.userId, { password: PASSWORD });
      expect(await db.select().from(users).where(eq(users.id, captain.userId))).toHaveLength(0);
      expect(await db.select().from(businesses).where(eq(businesses.id, captain.businessId))).toHaveLength(1);
      expect(await db.select().from(memberships).where(eq(memberships.userId, captain.userId))).toHaveLength(0);
    });

    it('deletes a business left empty with its data, the user row, sessions and links', async () => {
      const user = await newUser('alone');
      await createClient(db, user, { firstName: 'Doomed', lastName: 'Client', email: `c-${randomUUID()}@example.com` });
      await issueToken(db, { userId: user.userId, purpose: 'reset_password', email: user.email });
      await deleteAccount(db, user.userId, { password: PASSWORD });
      expect(await db.select().from(businesses).where(eq(businesses.id, user.businessId))).toHaveLength(0);
      expect(await db.select().from(clients).where(eq(clients.businessId, user.businessId))).toHaveLength(0);
      expect(await db.select().from(sessions).where(eq(sessions.userId, user.userId))).toHaveLength(0);
      expect(await db.select().from(accountTokens).where(eq(accountTokens.userId, user.userId))).toHaveLength(0);
      expect(await db.select().from(users).where(eq(users.id, user.userId))).toHaveLength(0);
    });
  });
});
