import 'server-only';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { assertBillingAllows } from '@/domains/billing';
import { rememberSwitchedBusiness, sessionForUser } from '@/fuse/auth/accounts';
import { hashPassword, verifyPassword } from '@/fuse/auth/passwords';
import { assertVerified } from '@/fuse/auth/lifecycle';
import { assertCan } from '@/fuse/auth/permissions';
import { defineTargetedMutation } from '@/fuse/domain/define-mutation';
import { businesses, memberships, users } from '@/fuse/auth/schema';
import { getDb, type Database } from '@/fuse/db/client';
import { timed } from '@/fuse/db/timed';
import { ConflictError, NotFoundError, ValidationError } from '@/fuse/http/errors';
import { recordChange } from '@/fuse/live/outbox';
import {
  enforceInviteCreateLimit,
  enforceInviteLookupLimit,
  guardPasswordAttempt,
  RateLimitedError,
  RateLimitUnavailableError,
} from '@/fuse/ratelimit';
import { ForbiddenError, UnauthorizedError } from '@/fuse/session/errors';
import { recheckSessionsOf } from '@/fuse/session/revocation';
import type { Session, SessionInput } from '@/fuse/session/token';
import { deliverInvite, type InviteDelivery } from './mailer';
import { assignableRanks, mayChangeRankOf, type InviteView, type MemberChange, type MemberView, type Scope } from './queries';
import { invites } from './schema';
import { acceptInviteInput, inviteInput, inviteToken, newMemberPassword, rankChangeInput, switchBusinessInput } from './validators';
import type { MemberRank } from './ranks';

export const TEAM_DOMAIN = 'team';
const INVITE_DAYS = 7;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function parseToken(token: string): { businessId: string; id: number; secret: string } {
  const [businessId, id, secret] = token.split('.');
  return { businessId: businessId!, id: Number(id), secret: secret! };
}

export type CreatedInvite = { invite: InviteView; delivery: InviteDelivery; /** Only when not emailed. */ link: string | null };

/** A captain (or commodore) invites someone by email with a rank up to their own. */
export async function createInvite(db: Database, scope: Scope & Pick<Session, 'name'>, raw: unknown, origin: string): Promise<CreatedInvite> {
  assertCan(scope, 'team.invite');
  await assertVerified(db, scope, 'team.invite');
  const parsed = inviteInput.safeParse(raw);
  const allowed = assignableRanks(scope.rank);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  const { email, rank } = parsed.data;
  if (!allowed.includes(rank)) throw new ForbiddenError(`You can invite ${allowed.join(' or ')} members.`);
  // Each invite tells its creator (on the join page) whether the address has an account: bounded.
  await enforceInviteCreateLimit(scope);
  const secret = randomBytes(32).toString('base64url');
  const { invite, businessName } = await timed('team.createInvite', () =>
    db.transaction(async (tx) => {
      const [member] = await tx
        .select({ userId: memberships.userId })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(and(eq(memberships.businessId, scope.businessId), sql`lower(${users.email}) = ${email}`))
        .limit(1);
      if (member) throw new ValidationError({ email: 'This person is already a member.' });
      // Members count their open invites: the plan's member limit is checked under its lock.
      await assertBillingAllows(tx, scope.businessId, 'members');
      const [row] = await tx
        .insert(invites)
        .values({
          businessId: scope.businessId,
          email,
          rank,
          secretHash: sha256(secret),
          invitedBy: scope.userId,
          expiresAt: sql`now() + make_interval(days => ${INVITE_DAYS})`,
        })
        .returning();
      const [business] = await tx.select({ name: businesses.name }).from(businesses).where(eq(businesses.id, scope.businessId));
      const view: InviteView = {
        id: row!.id,
        email: row!.email,
        rank: row!.rank,
        createdAt: row!.createdAt.toISOString(),
        expiresAt: row!.expiresAt.toISOString(),
      };
      await recordChange(tx, { businessId: scope.businessId, domain: TEAM_DOMAIN, kind: 'invite', entityId: view.id, data: view });
      return { invite: view, businessName: business?.name ?? '' };
    }),
  );
  const link = `${origin}/join?token=${encodeURIComponent(`${scope.businessId}.${invite.id}.${secret}`)}`;
  const delivery = await deliverInvite({ to: email, businessName, inviterName: scope.name, rank, link });
  return { invite, delivery, link: delivery === 'shown' ? link : null };
}

const revoke = defineTargetedMutation({
  name: 'team.revokeInvite',
  permission: 'team.revokeInvite',
  input: z.undefined(),
  run: async (tx, { scope, publish }, id: number): Promise<void> => {
    const open = and(eq(invites.businessId, scope.businessId), eq(invites.id, id), sql`${invites.acceptedAt} is null`);
    const [invite] = await tx.select({ rank: invites.rank }).from(invites).where(open).for('update').limit(1);
    if (!invite) throw new NotFoundError('Invite not found.');
    if (!assignableRanks(scope.rank).includes(invite.rank as MemberRank))
      throw new ForbiddenError('You cannot revoke an invite for a rank above your own.');
    await tx
      .update(invites)
      .set({ revokedAt: sql`now()` })
      .where(open);
    await publish({ domain: TEAM_DOMAIN, kind: 'invite-revoked', entityId: id, data: { id } });
  },
});

/** Revokes an open invite with a rank up to the actor's own (the ranks they may invite). */
export function revokeInvite(db: Database, scope: Scope, id: number): Promise<void> {
  return revoke(db, scope, id, undefined);
}

/**
 * Changes a member's rank: only for members below the actor, to a rank up to the actor's own. The
 * member's cookies are re-checked before their next use (re-minted with the new rank) and their
 * open live streams close, on every instance, so they reconnect with the new rank.
 */
export const changeMemberRank = defineTargetedMutation({
  name: 'team.changeRank',
  permission: 'team.changeRank',
  input: rankChangeInput,
  run: async (tx, { scope, input: { rank }, publish }, userId: string): Promise<MemberView> => {
    if (!assignableRanks(scope.rank).includes(rank)) throw new ForbiddenError('You cannot give a rank above your own.');
    const [target] = await tx
      .select({ userId: users.id, name: users.name, email: users.email, rank: memberships.rank, joinedAt: memberships.createdAt })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.businessId, scope.businessId), eq(memberships.userId, userId)))
      .for('update', { of: memberships })
      .limit(1);
    if (!target) throw new NotFoundError('Member not found.');
    if (!mayChangeRankOf(scope, target)) throw new ForbiddenError('You can change the rank of members below your own rank only.');
    await tx
      .update(memberships)
      .set({ rank })
      .where(and(eq(memberships.businessId, scope.businessId), eq(memberships.userId, userId)));
    const member: MemberChange = { userId: target.userId, name: target.name, email: target.email, rank, joinedAt: target.joinedAt.toISOString() };
    await publish({ domain: TEAM_DOMAIN, kind: 'member', entityId: userId, data: member });
    await recheckSessionsOf(tx, userId, scope.businessId);
    return { ...member, isYou: false, canChangeRank: mayChangeRankOf(scope, { userId: target.userId, rank }) };
  },
});

const remove = defineTargetedMutation({
  name: 'team.removeMember',
  permission: 'team.remove',
  input: z.undefined(),
  run: async (tx, { scope, publish }, userId: string): Promise<void> => {
    const [target] = await tx
      .select({ userId: memberships.userId, rank: memberships.rank })
      .from(memberships)
      .where(and(eq(memberships.businessId, scope.businessId), eq(memberships.userId, userId)))
      .for('update')
      .limit(1);
    if (!target) throw new NotFoundError('Member not found.');
    if (!mayChangeRankOf(scope, target)) throw new ForbiddenError('You can remove members below your own rank only.');
    await tx.delete(memberships).where(and(eq(memberships.businessId, scope.businessId), eq(memberships.userId, userId)));
    await publish({ domain: TEAM_DOMAIN, kind: 'member-removed', entityId: userId, data: { userId } });
    await recheckSessionsOf(tx, userId, scope.businessId);
  },
});

/**
 * Removes a member from the business: a captain or commodore removes a member below their own
 * rank, never themselves (the read-only admiral removes no one). The member's cookies for the
 * business stop working at their next use and their open live streams close, on every instance.
 */
export function removeMember(db: Database, scope: Scope, userId: string): Promise<void> {
  return remove(db, scope, userId, undefined);
}

export type InviteInfo = { businessName: string; email: string; rank: string; existingAccount: boolean };

type LiveInvite = { businessId: string; id: number; email: string; rank: (typeof invites.$inferSelect)['rank'] };

async function findLiveInvite(db: Pick<Database, 'select'>, token: string): Promise<LiveInvite & { businessName: string }> {
  const invalid = () => new NotFoundError('This invite link is not valid or has expired.');
  const parsed = inviteToken.safeParse(token);
  if (!parsed.success) throw invalid();
  const { businessId, id, secret } = parseToken(parsed.data);
  const [row] = await db
    .select({
      businessId: invites.businessId,
      id: invites.id,
      email: invites.email,
      rank: invites.rank,
      secretHash: invites.secretHash,
      live: sql<boolean>`${invites.acceptedAt} is null and ${invites.revokedAt} is null and ${invites.expiresAt} > now()`,
      businessName: businesses.name,
    })
    .from(invites)
    .innerJoin(businesses, eq(businesses.id, invites.businessId))
    .where(and(eq(invites.businessId, businessId), eq(invites.id, id)))
    .limit(1);
  if (!row) throw invalid();
  const given = Buffer.from(sha256(secret), 'hex');
  const stored = Buffer.from(row.secretHash, 'hex');
  if (given.length !== stored.length || !timingSafeEqual(given, stored) || !row.live) throw invalid();
  return row;
}

/** What the join page shows before the invitee accepts. */
export async function describeInvite(db: Database, token: string): Promise<InviteInfo> {
  return timed('team.describeInvite', async () => {
    const invite = await findLiveInvite(db, token);
    const [user] = await db
      .select({ id: users.id })
      .from(users)
      .where(sql`lower(${users.email}) = ${invite.email}`)
      .limit(1);
    return { businessName: invite.businessName, email: invite.email, rank: invite.rank, existingAccount: Boolean(user) };
  });
}

/**
 * Accepts an invite: creates the account (name and a new password) or, for an existing account,
 * checks its password and adds the membership — with the invited rank. The invite works once.
 * Every attempt counts against the client address's invite-lookup budget; the password check
 * spends the same failure budgets as sign-in (per IP, and per account shared with sign-in), or an
 * invite link to someone's address would be an unlimited oracle for their password.
 */
export async function acceptInvite(db: Database, raw: unknown, request: { clientIp: string }): Promise<SessionInput> {
  await enforceInviteLookupLimit(request.clientIp);
  const parsed = acceptInviteInput.safeParse(raw);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  const { token, name, password } = parsed.data;
  const guard = await guardPasswordAttempt(request.clientIp, (await findLiveInvite(db, token)).email);
  // A wrong password throws inside the transaction: the claim rolls back (the invite stays open)
  // and the guard records the failure.
  const join = () =>
    timed('team.acceptInvite', () =>
      db.transaction(async (tx) => {
        const invite = await findLiveInvite(tx, token);
        // Claim the invite first: a second, concurrent accept finds nothing to claim.
        const claimed = await tx
          .update(invites)
          .set({ acceptedAt: sql`now()` })
          .where(and(eq(invites.businessId, invite.businessId), eq(invites.id, invite.id), sql`${invites.acceptedAt} is null`))
          .returning({ id: invites.id });
        if (claimed.length === 0) throw new NotFoundError('This invite link is not valid or has expired.');
        // The plan may have shrunk since the invite was sent (a downgrade). Counted after the claim,
        // so this invite is no longer an open one and is not counted twice: a business at its limit
        // through open invites can still take them in; one over its limit gets a 402 and the claim
        // rolls back, leaving the invite open.
        await assertBillingAllows(tx, invite.businessId, 'members');
        const [existing] = await tx
          .select({ id: users.id, passwordHash: users.passwordHash })
          .from(users)
          .where(sql`lower(${users.email}) = ${invite.email}`)
          .limit(1);
        let id: string;
        if (existing) {
          if (!(await verifyPassword(existing.passwordHash, password))) throw new UnauthorizedError('That password does not match your account.');
          id = existing.id;
        } else {
          const checked = newMemberPassword.safeParse(password);
          // The password is checked alone, so zod's issue has no path: name the field for the form.
          if (!checked.success) throw new ValidationError({ password: checked.error.issues[0]?.message ?? 'Choose a longer password.' });
          if (!name) throw new ValidationError({ name: 'Enter your name.' });
          const [created] = await tx
            .insert(users)
            .values({ email: invite.email, name, passwordHash: await hashPassword(password) })
            .returning({ id: users.id });
          id = created!.id;
        }
        const added = await tx
          .insert(memberships)
          .values({ businessId: invite.businessId, userId: id, rank: invite.rank })
          .onConflictDoNothing()
          .returning({ userId: memberships.userId });
        if (added.length === 0) throw new ConflictError('You are already a member of this business.');
        await recordChange(tx, {
          businessId: invite.businessId,
          domain: TEAM_DOMAIN,
          kind: 'joined',
          entityId: id,
          data: { userId: id, rank: invite.rank },
        });
        return { id, businessId: invite.businessId };
      }),
    );
  const userId = await guard.attempt(join, (err) => err instanceof UnauthorizedError);
  const session = await sessionForUser(db, userId.id, userId.businessId);
  if (!session) throw new NotFoundError('This invite link is not valid or has expired.');
  return session;
}

/**
 * The session for another business: a member (a commodore's several businesses) gets their rank
 * there; the admiral may open any business, read-only. Checked against the database, never the cookie.
 */
export async function switchBusiness(db: Database, session: Session, raw: unknown): Promise<SessionInput> {
  const parsed = switchBusinessInput.safeParse(raw);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  const { businessId } = parsed.data;
  return timed('team.switchBusiness', async () => {
    const [user] = await db
      .select({
        id: users.id,
        name: users.name,
        email: users.email,
        theme: users.theme,
        sessionVersion: users.sessionVersion,
        isAdmiral: users.isAdmiral,
      })
      .from(users)
      .where(eq(users.id, session.userId))
      .limit(1);
    if (!user || user.sessionVersion !== session.sessionVersion) throw new UnauthorizedError();
    const member = await sessionForUser(db, user.id, businessId);
    if (member) {
      await rememberSwitchedBusiness(db, user.id, businessId);
      return member;
    }
    if (user.isAdmiral) {
      const [business] = await db.select({ id: businesses.id }).from(businesses).where(eq(businesses.id, businessId)).limit(1);
      if (business) {
        return {
          userId: user.id,
          businessId,
          rank: 'admiral',
          name: user.name,
          email: user.email,
          theme: user.theme,
          sessionVersion: user.sessionVersion,
        };
      }
    }
    throw new NotFoundError('Business not found.');
  });
}

export type JoinPageInvite = { kind: 'invite'; invite: InviteInfo } | { kind: 'invalid' } | { kind: 'refused'; message: string };

/**
 * The public join page's read: the invite behind a link, `invalid` when the link is not (or no
 * longer) valid, `refused` when this address looked up too many links (each tells whether an
 * account exists).
 */
export async function inviteForJoinPage(token: string, clientIp: string): Promise<JoinPageInvite> {
  try {
    await enforceInviteLookupLimit(clientIp);
    return { kind: 'invite', invite: await describeInvite(getDb(), token) };
  } catch (err) {
    if (err instanceof NotFoundError) return { kind: 'invalid' };
    if (err instanceof RateLimitedError || err instanceof RateLimitUnavailableError) return { kind: 'refused', message: err.message };
    throw err;
  }
}
