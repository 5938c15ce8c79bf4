import { randomUUID } from 'node:crypto';
import { and, count, eq } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { INVALID_CREDENTIALS, InvalidCredentialsError, signIn, signUp } from '@/fuse/auth/accounts';
import { businesses, memberships, subscriptions, users } from '@/fuse/auth/schema';
import type { Database } from '@/fuse/db/client';
import { ValidationError } from '@/fuse/http/errors';
import { switchBusiness } from '@/domains/team/mutations';
import { describeEachDatabase } from '../setup/each-database';
import { thrown } from '../setup/thrown';

const PASSWORD = 'correct-horse-42';

describeEachDatabase('accounts', ({ db: getDb }) => {
  let db: Database;
  const email = `owner-${randomUUID()}@example.com`;
  const businessName = `Business ${randomUUID()}`;

  beforeAll(async () => {
    db = getDb();
  });

  it('signs up a business, its captain and a free subscription', async () => {
    const session = await signUp(db, { email: `  ${email.toUpperCase()} `, password: PASSWORD, name: ' Owen Owner ', businessName });
    expect(session).toMatchObject({ rank: 'captain', name: 'Owen Owner', email, theme: 'light', sessionVersion: 1 });

    const [business] = await db.select().from(businesses).where(eq(businesses.id, session.businessId));
    expect(business!.name).toBe(businessName);
    const [user] = await db.select().from(users).where(eq(users.id, session.userId));
    expect(user).toMatchObject({ email, name: 'Owen Owner', isAdmiral: false, sessionVersion: 1 });
    const member = await db.select().from(memberships).where(eq(memberships.userId, session.userId));
    expect(member).toEqual([expect.objectContaining({ businessId: session.businessId, rank: 'captain' })]);
    const subs = await db.select().from(subscriptions).where(eq(subscriptions.businessId, session.businessId));
    expect(subs).toHaveLength(1);
    expect(subs[0]).toMatchObject({ plan: 'free', status: 'active' });
    expect(subs[0]!.currentPeriodEnd.getTime()).toBeGreaterThan(Date.now());
  });

  it('stores the password as argon2id with m=19456, t=2, p=1', async () => {
    const [user] = await db.select({ hash: users.passwordHash }).from(users).where(eq(users.email, email));
    expect(user!.hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    expect(user!.hash).not.toContain(PASSWORD);
  });

  it('refuses a second account with the same email (any case) as a field error, creating nothing', async () => {
    const err = await thrown(signUp(db, { email: email.toUpperCase(), password: PASSWORD, name: 'Copy', businessName: `${businessName} copy` }));
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).fields.email).toMatch(/already/i);
    const [row] = await db
      .select({ n: count() })
      .from(businesses)
      .where(eq(businesses.name, `${businessName} copy`));
    expect(Number(row!.n)).toBe(0);
  });

  it.each([
    ['too short', 'abc123'],
    ['letters only', 'abcdefghijklmnop'],
    ['digits only', '12345678901234'],
    ['a common password', 'Password123'],
    ['too few different characters', 'aaaa1111aaaa'],
    ['empty', ''],
    ['too long', `a1${'bcdefghij'.repeat(30)}`],
  ])('refuses a weak password (%s) with a password field error', async (_label, password) => {
    const err = await thrown(signUp(db, { email: `weak-${randomUUID()}@example.com`, password, name: 'Weak', businessName: 'Weak' }));
    expect(err).toBeInstanceOf(ValidationError);
    expect(Object.keys((err as ValidationError).fields)).toEqual(['password']);
  });

  it('names every bad field', async () => {
    const err = await thrown(signUp(db, { email: 'nope', password: 'short', name: ' ', businessName: '' }));
    expect(err).toBeInstanceOf(ValidationError);
    expect(Object.keys((err as ValidationError).fields).sort()).toEqual(['businessName', 'email', 'name', 'password']);
    const missing = await thrown(signUp(db, {}));
    expect(Object.keys((missing as ValidationError).fields).sort()).toEqual(['businessName', 'email', 'name', 'password']);
    expect(await thrown(signUp(db, 'not an object'))).toBeInstanceOf(ValidationError);
  });

  it('signs in with the right password, whatever the email case', async () => {
    const session = await signIn(db, { email: ` ${email.toUpperCase()}`, password: PASSWORD });
    expect(session).toMatchObject({ email, rank: 'captain' });
    const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
    expect(session.userId).toBe(user!.id);
  });

  it('answers an unknown email and a wrong password with the same error and message', async () => {
    const unknown = await thrown(signIn(db, { email: `nobody-${randomUUID()}@example.com`, password: PASSWORD }));
    const wrong = await thrown(signIn(db, { email, password: `${PASSWORD}!` }));
    for (const err of [unknown, wrong]) {
      expect(err).toBeInstanceOf(InvalidCredentialsError);
      expect(err.message).toBe(INVALID_CREDENTIALS);
      expect((err as InvalidCredentialsError).status).toBe(401);
    }
    expect(unknown.constructor).toBe(wrong.constructor);
    expect(unknown.message).toBe(wrong.message);
    // The password of another account does not open this one.
    await signUp(db, { email: `other-${randomUUID()}@example.com`, password: 'another-pass-77', name: 'O', businessName: 'O' });
    expect(await thrown(signIn(db, { email, password: 'another-pass-77' }))).toBeInstanceOf(InvalidCredentialsError);
  });

  it('refuses a sign-in without email or password as field errors', async () => {
    const err = await thrown(signIn(db, { email: '', password: '' }));
    expect(err).toBeInstanceOf(ValidationError);
    expect(Object.keys((err as ValidationError).fields).sort()).toEqual(['email', 'password']);
  });
});

describeEachDatabase('accounts: the business a member of several lands in', ({ db: getDb }) => {
  it('is the one last switched to, else the earliest membership, ties broken by business id', async () => {
    const db = getDb();
    const session = await signUp(db, {
      email: `commodore-${randomUUID()}@example.com`,
      password: PASSWORD,
      name: 'Cora Commodore',
      businessName: 'First',
    });
    const others = await db
      .insert(businesses)
      .values([{ name: `Other A ${randomUUID()}` }, { name: `Other B ${randomUUID()}` }, { name: `Other C ${randomUUID()}` }])
      .returning({ id: businesses.id });
    const all = [session.businessId, ...others.map((b) => b.id)];
    // Every membership created at the same instant (as a seed or a bulk import does).
    const at = new Date('2026-01-01T00:00:00Z');
    await db.update(memberships).set({ createdAt: at }).where(eq(memberships.userId, session.userId));
    await db.insert(memberships).values(others.map((b) => ({ businessId: b.id, userId: session.userId, rank: 'commodore' as const, createdAt: at })));
    const credentials = { email: session.email, password: PASSWORD };
    const smallest = [...all].sort()[0]!;
    for (let i = 0; i < 3; i++) expect((await signIn(db, credentials)).businessId).toBe(smallest);

    // After a switch, sign-in lands where the user last was.
    const live = { ...session, sessionId: randomUUID(), sessionExpiresAt: 0, issuedAt: 0, expiresAt: 0 };
    const target = all.find((id) => id !== smallest)!;
    expect((await switchBusiness(db, live, { businessId: target })).businessId).toBe(target);
    expect((await signIn(db, credentials)).businessId).toBe(target);
    const back = all.find((id) => id !== smallest && id !== target)!;
    await switchBusiness(db, live, { businessId: back });
    expect((await signIn(db, credentials)).businessId).toBe(back);

    // Removed from that business: back to the earliest membership.
    await db.delete(memberships).where(and(eq(memberships.userId, session.userId), eq(memberships.businessId, back)));
    expect((await signIn(db, credentials)).businessId).toBe(target);
    await db.update(memberships).set({ lastSwitchedAt: null }).where(eq(memberships.userId, session.userId));
    await db
      .update(memberships)
      .set({ createdAt: new Date('2025-06-01T00:00:00Z') })
      .where(and(eq(memberships.userId, session.userId), eq(memberships.businessId, target)));
    expect((await signIn(db, credentials)).businessId).toBe(target);
  });
});
