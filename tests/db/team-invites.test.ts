import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { sessionForUser, signIn, signUp as signUpUnverified } from '@/fuse/auth/accounts';
import { mailboxMessages } from '@/fuse/mail/mailbox';
import { memberships, users } from '@/fuse/auth/schema';
import type { Database } from '@/fuse/db/client';
import { config } from '@/fuse/config';
import { NotFoundError, PaymentRequiredError, ValidationError } from '@/fuse/http/errors';
import { NUL_MESSAGE } from '@/fuse/http/text-field';
import { guardPasswordAttempt, RateLimitedError } from '@/fuse/ratelimit';
import { ForbiddenError, UnauthorizedError } from '@/fuse/session/errors';
import type { Session, SessionInput } from '@/fuse/session/token';
import {
  acceptInvite,
  changeMemberRank,
  createInvite,
  describeInvite,
  revokeInvite,
  switchBusiness,
  type CreatedInvite,
} from '@/domains/team/mutations';
import { loadTeam } from '@/domains/team/queries';
import { invites } from '@/domains/team/schema';
import { updateSettings } from '@/domains/settings/mutations';
import { loadSettings } from '@/domains/settings/queries';
import { describeEachDatabase } from '../setup/each-database';
import { onPlan } from '../setup/plans';
import { thrown } from '../setup/thrown';

const PASSWORD = 'tide-and-anchor-42';

function asSession(s: SessionInput): Session {
  return { ...s, sessionId: randomUUID(), sessionExpiresAt: 0, issuedAt: 0, expiresAt: 0 };
}

// Accepting counts against per-IP budgets: each call comes from its own address unless a test says otherwise.
let addresses = 0;
function fromIp(): { clientIp: string } {
  addresses++;
  return { clientIp: `198.51.${Math.floor(addresses / 250)}.${addresses % 250}` };
}

/** The invite's link: mailed (to the development mailbox tests send to), or shown when mail is off. */
function linkOf(created: CreatedInvite): string {
  if (created.link) return created.link;
  const mail = mailboxMessages().find((m) => m.to === created.invite.email && m.text.includes('/join?token='));
  return mail!.text.match(/https?:\/\/\S+\/join\?token=\S+/)![0];
}

function tokenOf(created: CreatedInvite): string {
  return new URL(linkOf(created)).searchParams.get('token')!;
}

/** A new account whose address is verified (inviting needs one). */
async function signUp(db: Database, raw: Parameters<typeof signUpUnverified>[1]): Promise<SessionInput> {
  const input = await signUpUnverified(db, raw);
  await db.update(users).set({ emailVerifiedAt: new Date() }).where(eq(users.id, input.userId));
  return input;
}

describeEachDatabase('team: invites, ranks, switching; settings', ({ db: getDb }) => {
  let db: Database;
  let captain: Session;

  beforeAll(async () => {
    db = getDb();
    captain = asSession(await signUp(db, { email: `cap-${randomUUID()}@example.com`, password: PASSWORD, name: 'Cap', businessName: 'Team Biz' }));
    // Many invites from this one business: no member limit (tests/db/billing.test.ts holds the limits).
    await onPlan(db, captain.businessId, 'business');
  });

  it('invites by email (mailed), and the link creates the member with the invited rank', async () => {
    const email = `new-${randomUUID()}@example.com`;
    const created = await createInvite(db, captain, { email: email.toUpperCase(), rank: 'crew' }, 'http://app.test');
    // Tests run without SMTP_URL outside production: the mail goes to the development mailbox.
    expect(created).toMatchObject({ delivery: 'email', link: null, invite: { email, rank: 'crew' } });
    expect(linkOf(created)).toMatch(/^http:\/\/app\.test\/join\?token=/);
    const token = tokenOf(created);
    expect(await describeInvite(db, token)).toMatchObject({ businessName: 'Team Biz', email, existingAccount: false });
    // A tampered secret or a foreign business in the token finds nothing.
    const tampered = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    expect(await thrown(describeInvite(db, tampered))).toBeInstanceOf(NotFoundError);
    const tooShort = await thrown(acceptInvite(db, { token, name: 'New', password: 'short' }, fromIp()));
    expect(tooShort).toBeInstanceOf(ValidationError);
    // Named after the field, so the form can show it next to the password.
    expect(Object.keys((tooShort as ValidationError).fields)).toEqual(['password']);
    const session = await acceptInvite(db, { token, name: 'New Member', password: PASSWORD }, fromIp());
    expect(session).toMatchObject({ businessId: captain.businessId, rank: 'crew', email, name: 'New Member' });
    expect(await signIn(db, { email, password: PASSWORD })).toMatchObject({ businessId: captain.businessId, rank: 'crew' });
    // The link works once.
    expect(await thrown(acceptInvite(db, { token, name: 'Again', password: PASSWORD }, fromIp()))).toBeInstanceOf(NotFoundError);
    const team = await loadTeam(db, captain);
    expect(team.members.map((m) => m.email)).toContain(email);
    expect(team.invites.map((i) => i.email)).not.toContain(email);
  });

  it('adds an existing account to a second business after checking its password', async () => {
    const other = asSession(
      await signUp(db, { email: `other-${randomUUID()}@example.com`, password: PASSWORD, name: 'Olive', businessName: 'Other Biz' }),
    );
    const created = await createInvite(db, captain, { email: other.email, rank: 'captain' }, 'http://app.test');
    const token = tokenOf(created);
    expect((await describeInvite(db, token)).existingAccount).toBe(true);
    expect(await thrown(acceptInvite(db, { token, password: 'wrong-password-1' }, fromIp()))).toBeInstanceOf(UnauthorizedError);
    const session = await acceptInvite(db, { token, password: PASSWORD }, fromIp());
    expect(session).toMatchObject({ userId: other.userId, businessId: captain.businessId, rank: 'captain' });
    // Now a member of two businesses: switching goes both ways without signing in again.
    const back = await switchBusiness(db, asSession(session), { businessId: other.businessId });
    expect(back).toMatchObject({ businessId: other.businessId, rank: 'captain' });
    const settings = await loadSettings(db, asSession(back));
    expect(settings.businesses.map((b) => b.name).sort()).toEqual(['Other Biz', 'Team Biz']);
  });

  it('refuses switching to a business the user does not belong to; the admiral may open any, read-only', async () => {
    const stranger = asSession(
      await signUp(db, { email: `str-${randomUUID()}@example.com`, password: PASSWORD, name: 'S', businessName: 'Elsewhere' }),
    );
    expect(await thrown(switchBusiness(db, stranger, { businessId: captain.businessId }))).toBeInstanceOf(NotFoundError);
    expect(await thrown(switchBusiness(db, stranger, { businessId: 'not-a-uuid' }))).toBeInstanceOf(ValidationError);
    // A session older than the user's session version cannot switch.
    expect(await thrown(switchBusiness(db, { ...stranger, sessionVersion: 0 }, { businessId: stranger.businessId }))).toBeInstanceOf(
      UnauthorizedError,
    );
    await db.update(users).set({ isAdmiral: true }).where(eq(users.id, stranger.userId));
    const support = await switchBusiness(db, stranger, { businessId: captain.businessId });
    expect(support).toMatchObject({ businessId: captain.businessId, rank: 'admiral' });
    const supportSession = asSession(support);
    expect((await loadTeam(db, supportSession)).canInvite).toBe(false);
    expect(await thrown(createInvite(db, supportSession, { email: 'x@example.com' }, 'http://app.test'))).toBeInstanceOf(ForbiddenError);
    expect(await thrown(updateSettings(db, supportSession, { businessName: 'Hijacked' }))).toBeInstanceOf(ForbiddenError);
  });

  it('lets a captain change ranks below captain only, and marks the member sessions for a re-check', async () => {
    const email = `crew-${randomUUID()}@example.com`;
    const link = await createInvite(db, captain, { email, rank: 'crew' }, 'http://app.test');
    const crew = asSession(await acceptInvite(db, { token: tokenOf(link), name: 'Crew', password: PASSWORD }, fromIp()));
    // Crew cannot invite or change ranks.
    expect(await thrown(createInvite(db, crew, { email: 'y@example.com' }, 'http://app.test'))).toBeInstanceOf(ForbiddenError);
    expect(await thrown(changeMemberRank(db, crew, captain.userId, { rank: 'crew' }))).toBeInstanceOf(ForbiddenError);
    // A captain cannot give commodore, cannot change themselves or another captain.
    expect(await thrown(changeMemberRank(db, captain, crew.userId, { rank: 'commodore' }))).toBeInstanceOf(ForbiddenError);
    expect(await thrown(changeMemberRank(db, captain, captain.userId, { rank: 'crew' }))).toBeInstanceOf(ForbiddenError);
    expect(await thrown(createInvite(db, captain, { email: 'z@example.com', rank: 'commodore' }, 'http://app.test'))).toBeInstanceOf(ForbiddenError);
    const [before] = await db.select({ v: users.sessionVersion, at: users.sessionsChangedAt }).from(users).where(eq(users.id, crew.userId));
    const promoted = await changeMemberRank(db, captain, crew.userId, { rank: 'captain' });
    expect(promoted.rank).toBe('captain');
    const [row] = await db
      .select()
      .from(memberships)
      .where(and(eq(memberships.businessId, captain.businessId), eq(memberships.userId, crew.userId)));
    expect(row!.rank).toBe('captain');
    // Not signed out (the version stays): their cookies are re-checked and re-minted with the new rank.
    const [after] = await db.select({ v: users.sessionVersion, at: users.sessionsChangedAt }).from(users).where(eq(users.id, crew.userId));
    expect(after!.v).toBe(before!.v);
    expect(before!.at).toBeNull();
    expect(after!.at).toBeInstanceOf(Date);
    // Now a captain too: the first captain can no longer change them.
    expect(await thrown(changeMemberRank(db, captain, crew.userId, { rank: 'crew' }))).toBeInstanceOf(ForbiddenError);
    expect(await thrown(changeMemberRank(db, captain, randomUUID(), { rank: 'crew' }))).toBeInstanceOf(NotFoundError);
  });

  it('revokes an invite, refuses inviting a member twice, and keeps businesses apart', async () => {
    const created = await createInvite(db, captain, { email: `rev-${randomUUID()}@example.com` }, 'http://app.test');
    await revokeInvite(db, captain, created.invite.id);
    expect(await thrown(describeInvite(db, tokenOf(created)))).toBeInstanceOf(NotFoundError);
    expect(await thrown(createInvite(db, captain, { email: captain.email }, 'http://app.test'))).toBeInstanceOf(ValidationError);
    const other = asSession(await signUp(db, { email: `o2-${randomUUID()}@example.com`, password: PASSWORD, name: 'O', businessName: 'B2' }));
    const mine = await createInvite(db, captain, { email: `iso-${randomUUID()}@example.com` }, 'http://app.test');
    expect(await thrown(revokeInvite(db, other, mine.invite.id))).toBeInstanceOf(NotFoundError);
    const joined = await acceptInvite(db, { token: tokenOf(mine), name: 'Iso', password: PASSWORD }, fromIp());
    expect(joined.businessId).toBe(captain.businessId);
    expect((await loadTeam(db, other)).members.map((m) => m.userId)).not.toContain(joined.userId);
  });

  it('saves profile, theme and business settings with rank checks; PostgreSQL must know the time zone', async () => {
    const saved = await updateSettings(db, captain, {
      name: 'Captain Renamed',
      theme: 'dark',
      businessName: 'Team Biz Ltd',
      timezone: 'Europe/Berlin',
    });
    expect(saved).toEqual({ name: 'Captain Renamed', theme: 'dark', businessName: 'Team Biz Ltd', timezone: 'Europe/Berlin' });
    expect(await loadSettings(db, captain)).toMatchObject({
      profile: { theme: 'dark', name: 'Captain Renamed' },
      business: { timezone: 'Europe/Berlin' },
      canEditBusiness: true,
    });
    expect(await updateSettings(db, captain, { businessName: 'Team Biz Only' })).toMatchObject({
      name: 'Captain Renamed',
      businessName: 'Team Biz Only',
    });
    expect(await thrown(updateSettings(db, captain, { timezone: 'Mars/Olympus' }))).toBeInstanceOf(ValidationError);
    expect(await thrown(updateSettings(db, captain, { theme: 'sepia' }))).toBeInstanceOf(ValidationError);
    expect(await thrown(updateSettings(db, captain, {}))).toBeInstanceOf(ValidationError);
    const crewSession = { ...captain, rank: 'crew' as const };
    expect((await updateSettings(db, crewSession, { theme: 'light' })).theme).toBe('light');
    expect(await thrown(updateSettings(db, crewSession, { businessName: 'Nope' }))).toBeInstanceOf(ForbiddenError);
  });
  it('accepting an invite for an existing account spends the sign-in budgets; a wrong password leaves the invite unclaimed', async () => {
    const victim = asSession(
      await signUp(db, { email: `victim-${randomUUID()}@example.com`, password: PASSWORD, name: 'Vic', businessName: 'Victim Biz' }),
    );
    const created = await createInvite(db, captain, { email: victim.email, rank: 'crew' }, 'http://app.test');
    const token = tokenOf(created);
    // Guesses from a new address each time: the account's own budget (shared with sign-in) stops them.
    const guesses = config().rateLimit.authAccountMax;
    for (let i = 0; i < guesses; i++) {
      expect(await thrown(acceptInvite(db, { token, password: `wrong-guess-${i}` }, fromIp()))).toBeInstanceOf(UnauthorizedError);
    }
    // Every wrong guess rolled back its claim: the invite is still open, nobody joined.
    const [row] = await db
      .select({ acceptedAt: invites.acceptedAt })
      .from(invites)
      .where(and(eq(invites.businessId, captain.businessId), eq(invites.id, created.invite.id)));
    expect(row!.acceptedAt).toBeNull();
    expect(await sessionForUser(db, victim.userId, captain.businessId)).toBeNull();
    // Spent: even the right password is refused, and so is signing in to that account from anywhere.
    expect(await thrown(acceptInvite(db, { token, password: PASSWORD }, fromIp()))).toBeInstanceOf(RateLimitedError);
    expect(await thrown(guardPasswordAttempt(fromIp().clientIp, victim.email))).toBeInstanceOf(RateLimitedError);
    expect(await thrown(guardPasswordAttempt(fromIp().clientIp, ` ${victim.email.toUpperCase()}`))).toBeInstanceOf(RateLimitedError);
  });

  it('failed sign-ins from one address also stop invite acceptance from that address', async () => {
    const member = asSession(await signUp(db, { email: `ipb-${randomUUID()}@example.com`, password: PASSWORD, name: 'Ip', businessName: 'Ip Biz' }));
    const token = tokenOf(await createInvite(db, captain, { email: member.email, rank: 'crew' }, 'http://app.test'));
    const address = fromIp();
    for (let i = 0; i < config().rateLimit.authMax; i++) {
      const guard = await guardPasswordAttempt(address.clientIp, `someone-${i}@example.com`);
      await thrown(
        guard.attempt(
          () => Promise.reject(new UnauthorizedError()),
          () => true,
        ),
      );
    }
    expect(await thrown(acceptInvite(db, { token, password: PASSWORD }, address))).toBeInstanceOf(RateLimitedError);
    // From another address the right password works: nothing was claimed meanwhile.
    expect(await acceptInvite(db, { token, password: PASSWORD }, fromIp())).toMatchObject({ userId: member.userId, businessId: captain.businessId });
  });

  it('refuses revoking an invite for a rank above the actor (a captain cannot revoke a commodore invite)', async () => {
    const user = asSession(await signUp(db, { email: `com-${randomUUID()}@example.com`, password: PASSWORD, name: 'Com', businessName: 'Com Home' }));
    await db.insert(memberships).values({ businessId: captain.businessId, userId: user.userId, rank: 'commodore' });
    const commodore = asSession((await sessionForUser(db, user.userId, captain.businessId))!);
    expect(commodore.rank).toBe('commodore');
    const high = await createInvite(db, commodore, { email: `high-${randomUUID()}@example.com`, rank: 'commodore' }, 'http://app.test');
    const refused = await thrown(revokeInvite(db, captain, high.invite.id));
    expect(refused).toBeInstanceOf(ForbiddenError);
    // Still open, and its link still works for the commodore's purposes.
    expect(await describeInvite(db, tokenOf(high))).toMatchObject({ rank: 'commodore' });
    expect((await loadTeam(db, captain)).invites.map((i) => i.id)).toContain(high.invite.id);
    // Ranks up to the captain's own stay revocable by the captain; the commodore may revoke theirs.
    const peer = await createInvite(db, commodore, { email: `peer-${randomUUID()}@example.com`, rank: 'captain' }, 'http://app.test');
    await revokeInvite(db, captain, peer.invite.id);
    await revokeInvite(db, commodore, high.invite.id);
    expect(await thrown(describeInvite(db, tokenOf(high)))).toBeInstanceOf(NotFoundError);
    // Crew can revoke nothing; an unknown id is still a 404 for a captain.
    expect(await thrown(revokeInvite(db, { ...captain, rank: 'crew' }, peer.invite.id))).toBeInstanceOf(ForbiddenError);
    expect(await thrown(revokeInvite(db, captain, 987_654_321))).toBeInstanceOf(NotFoundError);
  });

  it('limits invites per inviter and per business (each tells its creator whether an address has an account)', async () => {
    const first = asSession(
      await signUp(db, { email: `lim-${randomUUID()}@example.com`, password: PASSWORD, name: 'Lim', businessName: 'Limit Biz' }),
    );
    const second = asSession(
      await signUp(db, { email: `lim2-${randomUUID()}@example.com`, password: PASSWORD, name: 'Lim2', businessName: 'Lim2 Home' }),
    );
    await db.insert(memberships).values({ businessId: first.businessId, userId: second.userId, rank: 'captain' });
    await onPlan(db, first.businessId, 'business');
    const secondHere = asSession((await sessionForUser(db, second.userId, first.businessId))!);
    const max = config().rateLimit.inviteMax;
    for (let i = 0; i < max; i++) await createInvite(db, first, { email: `l${i}-${randomUUID()}@example.com` }, 'http://app.test');
    const over = await thrown(createInvite(db, first, { email: `over-${randomUUID()}@example.com` }, 'http://app.test'));
    expect(over).toBeInstanceOf(RateLimitedError);
    expect((over as RateLimitedError).headers['Retry-After']).toBeTruthy();
    // Another captain of the same business shares the business's budget; another business does not.
    expect(await thrown(createInvite(db, secondHere, { email: `b-${randomUUID()}@example.com` }, 'http://app.test'))).toBeInstanceOf(
      RateLimitedError,
    );
    expect((await createInvite(db, second, { email: `own-${randomUUID()}@example.com` }, 'http://app.test')).invite.rank).toBe('crew');
  });

  it('accepting counts against the plan: a business at its member limit through open invites takes them all in', async () => {
    const owner = asSession(
      await signUp(db, { email: `full-${randomUUID()}@example.com`, password: PASSWORD, name: 'Full', businessName: 'Full Biz' }),
    );
    // Free: five members, open invites included. The captain and four invites fill it.
    const sent: CreatedInvite[] = [];
    for (let i = 0; i < 4; i++) sent.push(await createInvite(db, owner, { email: `full-${i}-${randomUUID()}@example.com` }, 'http://app.test'));
    expect(await thrown(createInvite(db, owner, { email: `one-more-${randomUUID()}@example.com` }, 'http://app.test'))).toBeInstanceOf(
      PaymentRequiredError,
    );
    // Each accepted invite turns one open place into one member: never counted twice.
    for (const created of sent) {
      const joined = await acceptInvite(db, { token: tokenOf(created), name: 'Joiner', password: PASSWORD }, fromIp());
      expect(joined).toMatchObject({ businessId: owner.businessId, email: created.invite.email });
    }
    const team = await loadTeam(db, owner);
    expect(team.members).toHaveLength(5);
    expect(team.invites).toHaveLength(0);
  });

  it('accepting an old invite after a downgrade that left the business over its member limit is a 402: the invite stays open, no account, no member', async () => {
    const owner = asSession(
      await signUp(db, { email: `down-${randomUUID()}@example.com`, password: PASSWORD, name: 'Down', businessName: 'Down Biz' }),
    );
    await onPlan(db, owner.businessId, 'business');
    const sent: CreatedInvite[] = [];
    for (let i = 0; i < 6; i++) sent.push(await createInvite(db, owner, { email: `down-${i}-${randomUUID()}@example.com` }, 'http://app.test'));
    // Down to free (five): the captain and six open invites are seven.
    await onPlan(db, owner.businessId, 'free');
    const [first] = sent;
    const email = first!.invite.email;
    const refused = await thrown(acceptInvite(db, { token: tokenOf(first!), name: 'Late', password: PASSWORD }, fromIp()));
    expect(refused).toBeInstanceOf(PaymentRequiredError);
    expect(refused.message).toMatch(/Free plan allows 5 members \(pending invites included\), and this business has 6/);
    const [row] = await db.select({ acceptedAt: invites.acceptedAt }).from(invites).where(eq(invites.id, first!.invite.id));
    expect(row!.acceptedAt).toBeNull();
    expect(await describeInvite(db, tokenOf(first!))).toMatchObject({ email, existingAccount: false });
    expect(await db.select({ id: users.id }).from(users).where(eq(users.email, email))).toEqual([]);
    const team = await loadTeam(db, owner);
    expect(team.members.map((m) => m.email)).toEqual([owner.email]);
    expect(team.invites).toHaveLength(6);

    // Revoking two others brings it to five with this invite still open: now it is accepted.
    await revokeInvite(db, owner, sent[1]!.invite.id);
    await revokeInvite(db, owner, sent[2]!.invite.id);
    expect(await acceptInvite(db, { token: tokenOf(first!), name: 'Late', password: PASSWORD }, fromIp())).toMatchObject({
      businessId: owner.businessId,
      email,
    });
  });

  it('refuses a NUL character in any name with a 400 naming the field, before the database sees it', async () => {
    const nul = 'Ann\u0000Lee';
    const signUpErr = await thrown(signUp(db, { email: `nul-${randomUUID()}@example.com`, password: PASSWORD, name: nul, businessName: 'Nul Biz' }));
    expect(signUpErr).toBeInstanceOf(ValidationError);
    expect((signUpErr as ValidationError).fields).toEqual({ name: NUL_MESSAGE });
    const bizErr = await thrown(signUp(db, { email: `nul-${randomUUID()}@example.com`, password: PASSWORD, name: 'Ann', businessName: nul }));
    expect((bizErr as ValidationError).fields).toEqual({ businessName: NUL_MESSAGE });
    const token = tokenOf(await createInvite(db, captain, { email: `nul-${randomUUID()}@example.com` }, 'http://app.test'));
    const acceptErr = await thrown(acceptInvite(db, { token, name: nul, password: PASSWORD }, fromIp()));
    expect((acceptErr as ValidationError).fields).toEqual({ name: NUL_MESSAGE });
    const settingsErr = await thrown(updateSettings(db, captain, { name: nul, businessName: nul }));
    expect((settingsErr as ValidationError).fields).toEqual({ name: NUL_MESSAGE, businessName: NUL_MESSAGE });
  });
});
