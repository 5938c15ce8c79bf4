import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { signIn, signUp } from '@/fuse/auth/accounts';
import { memberships, users } from '@/fuse/auth/schema';
import type { Database } from '@/fuse/db/client';
import { NotFoundError, ValidationError } from '@/fuse/http/errors';
import { ForbiddenError, UnauthorizedError } from '@/fuse/session/errors';
import type { Session, SessionInput } from '@/fuse/session/token';
import { acceptInvite, changeMemberRank, createInvite, describeInvite, revokeInvite, switchBusiness } from '@/domains/team/mutations';
import { loadTeam } from '@/domains/team/queries';
import { updateSettings } from '@/domains/settings/mutations';
import { loadSettings } from '@/domains/settings/queries';
import { describeEachDatabase } from '../setup/each-database';
import { thrown } from '../setup/thrown';

const PASSWORD = 'tide-and-anchor-42';

function asSession(s: SessionInput): Session {
  return { ...s, sessionId: randomUUID(), sessionExpiresAt: 0, issuedAt: 0, expiresAt: 0 };
}

function tokenOf(link: string | null): string {
  return new URL(link!).searchParams.get('token')!;
}

describeEachDatabase('team: invites, ranks, switching; settings', ({ db: getDb }) => {
  let db: Database;
  let captain: Session;

  beforeAll(async () => {
    db = getDb();
    captain = asSession(await signUp(db, { email: `cap-${randomUUID()}@example.com`, password: PASSWORD, name: 'Cap', businessName: 'Team Biz' }));
  });

  it('invites by email with a shown link (no SMTP), and the link creates the member with the invited rank', async () => {
    const email = `new-${randomUUID()}@example.com`;
    const created = await createInvite(db, captain, { email: email.toUpperCase(), rank: 'crew' }, 'http://app.test');
    expect(created).toMatchObject({ delivery: 'shown', invite: { email, rank: 'crew' } });
    expect(created.link).toMatch(/^http:\/\/app\.test\/join\?token=/);
    const token = tokenOf(created.link);
    expect(await describeInvite(db, token)).toMatchObject({ businessName: 'Team Biz', email, existingAccount: false });
    // A tampered secret or a foreign business in the token finds nothing.
    const tampered = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    expect(await thrown(describeInvite(db, tampered))).toBeInstanceOf(NotFoundError);
    const tooShort = await thrown(acceptInvite(db, { token, name: 'New', password: 'short' }));
    expect(tooShort).toBeInstanceOf(ValidationError);
    // Named after the field, so the form can show it next to the password.
    expect(Object.keys((tooShort as ValidationError).fields)).toEqual(['password']);
    const session = await acceptInvite(db, { token, name: 'New Member', password: PASSWORD });
    expect(session).toMatchObject({ businessId: captain.businessId, rank: 'crew', email, name: 'New Member' });
    expect(await signIn(db, { email, password: PASSWORD })).toMatchObject({ businessId: captain.businessId, rank: 'crew' });
    // The link works once.
    expect(await thrown(acceptInvite(db, { token, name: 'Again', password: PASSWORD }))).toBeInstanceOf(NotFoundError);
    const team = await loadTeam(db, captain);
    expect(team.members.map((m) => m.email)).toContain(email);
    expect(team.invites.map((i) => i.email)).not.toContain(email);
  });

  it('adds an existing account to a second business after checking its password', async () => {
    const other = asSession(await signUp(db, { email: `other-${randomUUID()}@example.com`, password: PASSWORD, name: 'Olive', businessName: 'Other Biz' }));
    const created = await createInvite(db, captain, { email: other.email, rank: 'captain' }, 'http://app.test');
    const token = tokenOf(created.link);
    expect((await describeInvite(db, token)).existingAccount).toBe(true);
    expect(await thrown(acceptInvite(db, { token, password: 'wrong-password-1' }))).toBeInstanceOf(UnauthorizedError);
    const session = await acceptInvite(db, { token, password: PASSWORD });
    expect(session).toMatchObject({ userId: other.userId, businessId: captain.businessId, rank: 'captain' });
    // Now a member of two businesses: switching goes both ways without signing in again.
    const back = await switchBusiness(db, asSession(session), { businessId: other.businessId });
    expect(back).toMatchObject({ businessId: other.businessId, rank: 'captain' });
    const settings = await loadSettings(db, asSession(back));
    expect(settings.businesses.map((b) => b.name).sort()).toEqual(['Other Biz', 'Team Biz']);
  });

  it('refuses switching to a business the user does not belong to; the admiral may open any, read-only', async () => {
    const stranger = asSession(await signUp(db, { email: `str-${randomUUID()}@example.com`, password: PASSWORD, name: 'S', businessName: 'Elsewhere' }));
    expect(await thrown(switchBusiness(db, stranger, { businessId: captain.businessId }))).toBeInstanceOf(NotFoundError);
    expect(await thrown(switchBusiness(db, stranger, { businessId: 'not-a-uuid' }))).toBeInstanceOf(ValidationError);
    // A session older than the user's session version cannot switch.
    expect(await thrown(switchBusiness(db, { ...stranger, sessionVersion: 0 }, { businessId: stranger.businessId }))).toBeInstanceOf(UnauthorizedError);
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
    const link = (await createInvite(db, captain, { email, rank: 'crew' }, 'http://app.test')).link;
    const crew = asSession(await acceptInvite(db, { token: tokenOf(link), name: 'Crew', password: PASSWORD }));
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
    const [row] = await db.select().from(memberships).where(and(eq(memberships.businessId, captain.businessId), eq(memberships.userId, crew.userId)));
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
    expect(await thrown(describeInvite(db, tokenOf(created.link)))).toBeInstanceOf(NotFoundError);
    expect(await thrown(createInvite(db, captain, { email: captain.email }, 'http://app.test'))).toBeInstanceOf(ValidationError);
    const other = asSession(await signUp(db, { email: `o2-${randomUUID()}@example.com`, password: PASSWORD, name: 'O', businessName: 'B2' }));
    const mine = await createInvite(db, captain, { email: `iso-${randomUUID()}@example.com` }, 'http://app.test');
    expect(await thrown(revokeInvite(db, other, mine.invite.id))).toBeInstanceOf(NotFoundError);
    const joined = await acceptInvite(db, { token: tokenOf(mine.link), name: 'Iso', password: PASSWORD });
    expect(joined.businessId).toBe(captain.businessId);
    expect((await loadTeam(db, other)).members.map((m) => m.userId)).not.toContain(joined.userId);
  });

  it('saves profile, theme and business settings with rank checks; PostgreSQL must know the time zone', async () => {
    const saved = await updateSettings(db, captain, { name: 'Captain Renamed', theme: 'dark', businessName: 'Team Biz Ltd', timezone: 'Europe/Berlin' });
    expect(saved).toEqual({ name: 'Captain Renamed', theme: 'dark', businessName: 'Team Biz Ltd', timezone: 'Europe/Berlin' });
    expect(await loadSettings(db, captain)).toMatchObject({ profile: { theme: 'dark', name: 'Captain Renamed' }, business: { timezone: 'Europe/Berlin' }, canEditBusiness: true });
    expect(await updateSettings(db, captain, { businessName: 'Team Biz Only' })).toMatchObject({ name: 'Captain Renamed', businessName: 'Team Biz Only' });
    expect(await thrown(updateSettings(db, captain, { timezone: 'Mars/Olympus' }))).toBeInstanceOf(ValidationError);
    expect(await thrown(updateSettings(db, captain, { theme: 'sepia' }))).toBeInstanceOf(ValidationError);
    expect(await thrown(updateSettings(db, captain, {}))).toBeInstanceOf(ValidationError);
    const crewSession = { ...captain, rank: 'crew' as const };
    expect((await updateSettings(db, crewSession, { theme: 'light' })).theme).toBe('light');
    expect(await thrown(updateSettings(db, crewSession, { businessName: 'Nope' }))).toBeInstanceOf(ForbiddenError);
  });
});
