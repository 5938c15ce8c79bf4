import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { applyStripeEvent, type StripeEventLike } from '@/domains/billing/apply';
import { assertBillingAllows } from '@/domains/billing/limits';
import { completeTestCheckout, openPortal, startCheckout } from '@/domains/billing/mutations';
import { LOCAL_PRICES } from '@/domains/billing/provider';
import { loadBilling, type Scope } from '@/domains/billing/queries';
import { billingEvents } from '@/domains/billing/schema';
import { createClient, updateClient } from '@/domains/clients/mutations';
import { clients } from '@/domains/clients/schema';
import { createInvite, revokeInvite } from '@/domains/team/mutations';
import { revenue } from '@/domains/operations/queries';
import { signUp } from '@/fuse/auth/accounts';
import { memberships, subscriptions, users } from '@/fuse/auth/schema';
import type { Database } from '@/fuse/db/client';
import { PaymentRequiredError } from '@/fuse/http/errors';
import { outbox } from '@/fuse/live/schema';
import { ForbiddenError } from '@/fuse/session/errors';
import { describeEachDatabase } from '../setup/each-database';
import { thrown } from '../setup/thrown';

type Captain = Scope & { name: string };

/** A new business whose captain has not confirmed their address yet. */
async function newUnverifiedBusiness(db: Database, label: string): Promise<Captain> {
  const s = await signUp(db, {
    email: `${label}-${randomUUID()}@example.com`,
    password: 'correct-horse-42',
    name: `${label} captain`,
    businessName: `${label} business`,
  });
  return { businessId: s.businessId, userId: s.userId, rank: s.rank, name: s.name };
}

/** A new business whose captain's address is verified (managing billing and inviting need one). */
async function newBusiness(db: Database, label: string): Promise<Captain> {
  const captain = await newUnverifiedBusiness(db, label);
  await db.update(users).set({ emailVerifiedAt: new Date() }).where(eq(users.id, captain.userId));
  return captain;
}

async function addClients(db: Database, businessId: string, n: number) {
  const tag = randomUUID().slice(0, 8);
  await db
    .insert(clients)
    .values(Array.from({ length: n }, (_, i) => ({ businessId, email: `b-${tag}-${i}@example.com`, firstName: 'B', lastName: 'Row' })));
}

async function addMembers(db: Database, businessId: string, n: number) {
  for (let i = 0; i < n; i++) {
    const [u] = await db
      .insert(users)
      .values({ email: `m-${randomUUID()}@example.com`, name: 'Member', passwordHash: 'x' })
      .returning();
    await db.insert(memberships).values({ businessId, userId: u!.id, rank: 'crew' });
  }
}

async function clientCount(db: Database, businessId: string): Promise<number> {
  const { rows } = await db.execute(sql`select count(*)::int as n from clients where business_id = ${businessId}`);
  return Number((rows[0] as { n: number }).n);
}

const newClient = () => ({ email: `c-${randomUUID()}@example.com`, firstName: 'Nia', lastName: 'Quill' });
const DAY = 86_400;
const nowSeconds = () => Math.floor(Date.now() / 1000);

let seq = 0;
function subscriptionEvent(
  type: 'customer.subscription.created' | 'customer.subscription.updated' | 'customer.subscription.deleted',
  businessId: string,
  o: { created: number; status?: string; plan?: 'pro' | 'business'; sub?: string; price?: string; id?: string },
): StripeEventLike {
  return {
    id: o.id ?? `evt_test_${++seq}_${randomUUID()}`,
    type,
    created: o.created,
    data: {
      object: {
        id: o.sub ?? `sub_${businessId}`,
        object: 'subscription',
        customer: `cus_${businessId}`,
        status: o.status ?? 'active',
        cancel_at_period_end: false,
        metadata: { businessId },
        items: { data: [{ price: { id: o.price ?? LOCAL_PRICES[o.plan ?? 'pro'] }, current_period_end: o.created + 30 * DAY }] },
      },
    },
  };
}

function invoiceEvent(type: 'invoice.paid' | 'invoice.payment_failed', businessId: string, created: number): StripeEventLike {
  return {
    id: `evt_inv_${++seq}_${randomUUID()}`,
    type,
    created,
    data: {
      object: {
        object: 'invoice',
        customer: `cus_${businessId}`,
        parent: { type: 'subscription_details', subscription_details: { subscription: `sub_${businessId}`, metadata: { businessId } } },
      },
    },
  };
}

async function planOf(db: Database, businessId: string) {
  const [row] = await db.select().from(subscriptions).where(eq(subscriptions.businessId, businessId));
  return row!;
}

async function billingChanges(db: Database, businessId: string) {
  return (await db.select().from(outbox).where(eq(outbox.businessId, businessId))).filter((c) => c.domain === 'billing');
}

describeEachDatabase('billing: plans, limits and Stripe events', ({ db: getDb, kind }) => {
  let db: Database;
  beforeAll(() => {
    db = getDb();
  });

  it('free: the 101st client is a 402 naming the limit and where to upgrade; nothing is written', async () => {
    const a = await newBusiness(db, 'free-clients');
    await addClients(db, a.businessId, 99);
    await createClient(db, a, newClient());
    const err = await thrown(createClient(db, a, newClient()));
    expect(err).toBeInstanceOf(PaymentRequiredError);
    expect(err.message).toMatch(/Free plan allows 100 clients/);
    expect((err as PaymentRequiredError).limit).toBe('clients');
    expect((err as PaymentRequiredError).upgradeUrl).toMatch(/\/dashboard\/settings\/billing$/);
    expect(await clientCount(db, a.businessId)).toBe(100);
  });

  it('pro allows 10,000 clients and 25 members; business has no limit', async () => {
    const a = await newBusiness(db, 'pro-limits');
    await applyStripeEvent(db, subscriptionEvent('customer.subscription.created', a.businessId, { created: nowSeconds(), plan: 'pro' }));
    await addClients(db, a.businessId, 9_999);
    await createClient(db, a, newClient());
    expect((await thrown(createClient(db, a, newClient()))).message).toMatch(/Pro plan allows 10,000 clients/);
    await addMembers(db, a.businessId, 23);
    await createInvite(db, a, { email: `i-${randomUUID()}@example.com`, rank: 'crew' }, 'http://app.test');
    expect((await thrown(createInvite(db, a, { email: `i-${randomUUID()}@example.com`, rank: 'crew' }, 'http://app.test'))).message).toMatch(
      /Pro plan allows 25 members/,
    );
    await applyStripeEvent(db, subscriptionEvent('customer.subscription.updated', a.businessId, { created: nowSeconds() + 1, plan: 'business' }));
    await createClient(db, a, newClient());
    await createInvite(db, a, { email: `i-${randomUUID()}@example.com`, rank: 'crew' }, 'http://app.test');
    const view = await loadBilling(db, a);
    expect(view).toMatchObject({ plan: 'business', status: 'active', limits: { clients: null, members: null } });
    expect(view.usage).toEqual({ clients: 10_001, members: 26 });
  });

  it('free: five members with pending invites counted; a revoked invite frees its place', async () => {
    const a = await newBusiness(db, 'free-members');
    const invites = [];
    for (let i = 0; i < 4; i++) invites.push(await createInvite(db, a, { email: `i-${randomUUID()}@example.com`, rank: 'crew' }, 'http://app.test'));
    const err = await thrown(createInvite(db, a, { email: `i-${randomUUID()}@example.com`, rank: 'crew' }, 'http://app.test'));
    expect(err).toBeInstanceOf(PaymentRequiredError);
    expect(err.message).toMatch(/Free plan allows 5 members \(pending invites included\), and this business has 5/);
    await revokeInvite(db, a, invites[0]!.invite.id);
    await createInvite(db, a, { email: `i-${randomUUID()}@example.com`, rank: 'crew' }, 'http://app.test');
  });

  it('concurrent creates at the limit: exactly one takes the last place', async () => {
    const a = await newBusiness(db, 'race');
    await addClients(db, a.businessId, 95);
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => createClient(db, a, newClient())));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    for (const r of results.filter((r) => r.status === 'rejected')) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(PaymentRequiredError);
    expect(await clientCount(db, a.businessId)).toBe(100);

    const b = await newBusiness(db, 'race-members');
    await addMembers(db, b.businessId, 3);
    const invites = await Promise.allSettled(
      Array.from({ length: 6 }, () => createInvite(db, b, { email: `i-${randomUUID()}@example.com`, rank: 'crew' }, 'http://app.test')),
    );
    expect(invites.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('applies an event once: a duplicate and concurrent deliveries of one event change nothing more', async () => {
    const a = await newBusiness(db, 'dup');
    const event = subscriptionEvent('customer.subscription.created', a.businessId, { created: nowSeconds(), plan: 'pro' });
    expect(await applyStripeEvent(db, event)).toBe('applied');
    expect(await applyStripeEvent(db, event)).toBe('duplicate');
    expect(await billingChanges(db, a.businessId)).toHaveLength(1);

    const b = await newBusiness(db, 'concurrent');
    const once = subscriptionEvent('customer.subscription.created', b.businessId, { created: nowSeconds(), plan: 'business' });
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => applyStripeEvent(db, once)));
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(5);
    expect(await billingChanges(db, b.businessId)).toHaveLength(1);
    const stored = await db.select().from(billingEvents).where(eq(billingEvents.id, once.id));
    expect(stored).toMatchObject([{ outcome: 'applied', businessId: b.businessId }]);
    expect(kind).toBeTruthy();
  });

  it('an older event never overwrites a newer one', async () => {
    const a = await newBusiness(db, 'order');
    const t = nowSeconds();
    await applyStripeEvent(db, subscriptionEvent('customer.subscription.created', a.businessId, { created: t, plan: 'pro' }));
    await applyStripeEvent(db, subscriptionEvent('customer.subscription.updated', a.businessId, { created: t + 20, plan: 'business' }));
    expect(await applyStripeEvent(db, subscriptionEvent('customer.subscription.updated', a.businessId, { created: t + 10, plan: 'pro' }))).toBe(
      'stale',
    );
    expect(await applyStripeEvent(db, invoiceEvent('invoice.payment_failed', a.businessId, t + 5))).toBe('stale');
    expect(await planOf(db, a.businessId)).toMatchObject({ plan: 'business', status: 'active', lastEventCreated: t + 20 });
  });

  it('past due: writes continue for 7 days after the first failed payment, then 402 while reads continue', async () => {
    const a = await newBusiness(db, 'grace');
    const t = nowSeconds() - 10 * DAY;
    await applyStripeEvent(db, subscriptionEvent('customer.subscription.created', a.businessId, { created: t, plan: 'pro' }));
    const inGrace = invoiceEvent('invoice.payment_failed', a.businessId, nowSeconds() - 6 * DAY);
    await applyStripeEvent(db, inGrace);
    const created = await createClient(db, a, newClient());
    const view = await loadBilling(db, a);
    expect(view).toMatchObject({ plan: 'pro', status: 'past_due', writable: true });
    expect(new Date(view.graceEndsAt!).getTime()).toBe((inGrace.created + 7 * DAY) * 1000);
    // A second failure does not restart the grace period; the clock passing it does.
    await applyStripeEvent(db, invoiceEvent('invoice.payment_failed', a.businessId, nowSeconds() - 2 * DAY));
    expect((await planOf(db, a.businessId)).pastDueSince!.getTime()).toBe(inGrace.created * 1000);
    const later = new Date(Date.now() + 2 * DAY * 1000);
    expect((await thrown(db.transaction((tx) => assertBillingAllows(tx, a.businessId, undefined, later)))).message).toMatch(/overdue/);

    const b = await newBusiness(db, 'grace-over');
    await applyStripeEvent(db, subscriptionEvent('customer.subscription.created', b.businessId, { created: t, plan: 'pro' }));
    await applyStripeEvent(db, invoiceEvent('invoice.payment_failed', b.businessId, nowSeconds() - 8 * DAY));
    const refused = await thrown(createClient(db, b, newClient()));
    expect(refused).toBeInstanceOf(PaymentRequiredError);
    expect((refused as PaymentRequiredError).limit).toBe('payment');
    expect(await loadBilling(db, b)).toMatchObject({ status: 'past_due', writable: false });
    void created;
    // Paying again lifts it.
    await applyStripeEvent(db, invoiceEvent('invoice.paid', b.businessId, nowSeconds()));
    expect(await loadBilling(db, b)).toMatchObject({ status: 'active', writable: true, graceEndsAt: null });
    await createClient(db, b, newClient());
  });

  it('canceled: back to free, data readable, creates over the free limits refused, edits allowed', async () => {
    const a = await newBusiness(db, 'cancel');
    const t = nowSeconds();
    await applyStripeEvent(db, subscriptionEvent('customer.subscription.created', a.businessId, { created: t, plan: 'pro' }));
    await addClients(db, a.businessId, 150);
    const mine = await createClient(db, a, newClient());
    await applyStripeEvent(db, subscriptionEvent('customer.subscription.deleted', a.businessId, { created: t + 1, status: 'canceled', plan: 'pro' }));
    const view = await loadBilling(db, a);
    expect(view).toMatchObject({ plan: 'free', status: 'canceled', limits: { clients: 100, members: 5 } });
    expect(view.usage.clients).toBe(151);
    expect((await thrown(createClient(db, a, newClient()))).message).toMatch(/Free plan allows 100 clients/);
    expect((await updateClient(db, a, mine.id, { company: 'Still here' })).company).toBe('Still here');
    expect((await planOf(db, a.businessId)).canceledAt).not.toBeNull();
  });

  it('ties events to the business by metadata, else by the stored subscription; unknown ones change nothing', async () => {
    const a = await newBusiness(db, 'tie');
    expect(await applyStripeEvent(db, subscriptionEvent('customer.subscription.created', randomUUID(), { created: nowSeconds() }))).toBe(
      'unknown business',
    );
    expect(
      await applyStripeEvent(
        db,
        subscriptionEvent('customer.subscription.created', a.businessId, { created: nowSeconds(), price: 'price_elsewhere' }),
      ),
    ).toBe('unknown price');
    expect((await planOf(db, a.businessId)).plan).toBe('free');
    await applyStripeEvent(db, subscriptionEvent('customer.subscription.created', a.businessId, { created: nowSeconds(), plan: 'pro' }));
    // An invoice without metadata: found by its subscription id.
    const bare = invoiceEvent('invoice.payment_failed', a.businessId, nowSeconds() + 1);
    (bare.data.object as { parent: unknown }).parent = null;
    (bare.data.object as { subscription?: string }).subscription = `sub_${a.businessId}`;
    expect(await applyStripeEvent(db, bare)).toBe('applied');
    expect((await planOf(db, a.businessId)).status).toBe('past_due');
  });

  it('the local test checkout goes through the same path; only captains manage billing', async () => {
    const a = await newBusiness(db, 'local');
    const crew: Scope = { ...a, rank: 'crew' };
    expect(await thrown(completeTestCheckout(db, crew, { action: 'pay', plan: 'pro' }))).toBeInstanceOf(ForbiddenError);
    expect(await completeTestCheckout(db, a, { action: 'pay', plan: 'pro' })).toEqual({ outcome: 'applied' });
    expect(await loadBilling(db, crew)).toMatchObject({ plan: 'pro', status: 'active' });
    const [change] = await billingChanges(db, a.businessId);
    expect(change).toMatchObject({ kind: 'subscription', data: { plan: 'pro', status: 'active' } });
    expect(await completeTestCheckout(db, a, { action: 'cancel' })).toEqual({ outcome: 'applied' });
    expect(await loadBilling(db, a)).toMatchObject({ plan: 'free', status: 'canceled' });
  });

  it('checkout, the portal and the test checkout need a verified address: a 403 after the rank check, nothing written', async () => {
    const a = await newUnverifiedBusiness(db, 'unverified');
    const refusals = [
      await thrown(startCheckout(db, a, { plan: 'pro' }, 'http://app.test')),
      await thrown(openPortal(db, a, 'http://app.test')),
      await thrown(completeTestCheckout(db, a, { action: 'pay', plan: 'pro' })),
    ];
    for (const err of refusals) {
      expect(err).toBeInstanceOf(ForbiddenError);
      expect((err as ForbiddenError).status).toBe(403);
      expect(err.message).toBe('Confirm your email address before changing billing: check your inbox, or send the link again.');
    }
    expect(await planOf(db, a.businessId)).toMatchObject({ plan: 'free', stripeCustomerId: null, stripeSubscriptionId: null });
    expect(await billingChanges(db, a.businessId)).toEqual([]);
    // The rank check comes first: a crew member hears about their rank, not their address.
    const crew: Scope = { ...a, rank: 'crew' };
    expect((await thrown(startCheckout(db, crew, { plan: 'pro' }, 'http://app.test'))).message).not.toMatch(/confirm your email/i);

    // Once the address is confirmed, the same captain goes through.
    await db.update(users).set({ emailVerifiedAt: new Date() }).where(eq(users.id, a.userId));
    expect(await startCheckout(db, a, { plan: 'pro' }, 'http://app.test')).toEqual({
      url: 'http://app.test/dashboard/settings/billing/test-checkout?plan=pro',
    });
    expect(await completeTestCheckout(db, a, { action: 'pay', plan: 'pro' })).toEqual({ outcome: 'applied' });
    expect(await openPortal(db, a, 'http://app.test')).toEqual({ url: 'http://app.test/dashboard/settings/billing/test-checkout?manage=1' });
  });

  it('the operations page counts paying subscribers, MRR and churn from the subscriptions as webhooks left them', async () => {
    const admiral = { rank: 'admiral' as const, userId: randomUUID() };
    const before = await revenue(db, admiral);
    const a = await newBusiness(db, 'mrr');
    await applyStripeEvent(db, subscriptionEvent('customer.subscription.created', a.businessId, { created: nowSeconds() - 10, plan: 'business' }));
    const paid = await revenue(db, admiral);
    expect(paid.mrrCents - before.mrrCents).toBe(9_900);
    expect(paid.byMonth.at(-1)!.paying - before.byMonth.at(-1)!.paying).toBe(1);
    expect(paid.byMonth.at(-1)!.mrrCents - before.byMonth.at(-1)!.mrrCents).toBe(9_900);
    await applyStripeEvent(
      db,
      subscriptionEvent('customer.subscription.deleted', a.businessId, { created: nowSeconds() - 5, status: 'canceled', plan: 'business' }),
    );
    const churned = await revenue(db, admiral);
    expect(churned.mrrCents).toBe(before.mrrCents);
    expect(churned.churnedThisMonth - before.churnedThisMonth).toBe(1);
    expect(churned.byMonth.at(-1)!.churned - before.byMonth.at(-1)!.churned).toBe(1);
    expect(churned.byMonth.at(-1)!.paying).toBe(before.byMonth.at(-1)!.paying);
    expect(churned.byMonth).toHaveLength(12);
    await expect(revenue(db, { rank: 'captain', userId: a.userId })).rejects.toThrow();
  });
});
