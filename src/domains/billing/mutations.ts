import 'server-only';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { assertVerified } from '@/fuse/auth/lifecycle';
import { assertCan } from '@/fuse/auth/permissions';
import type { Database } from '@/fuse/db/client';
import { timed } from '@/fuse/db/timed';
import { ConflictError, NotFoundError, ValidationError } from '@/fuse/http/errors';
import { applyStripeEvent, type StripeEventLike } from './apply';
import { subscriptionOf } from './limits';
import { effectivePlan, UPGRADE_PATH, type PaidPlan } from './plans';
import { BillingNotConfiguredError, billingProvider, LOCAL_PRICES } from './provider';
import type { Scope } from './queries';
import { checkoutInput, testCheckoutInput } from './validators';

export const TEST_CHECKOUT_PATH = `${UPGRADE_PATH}/test-checkout`;

const ALREADY_PAID = 'This business already has a paid plan: change or cancel it with “Manage billing”.';

/**
 * Creates the business's Stripe customer (it has none stored yet), never under a lock: a slow Stripe
 * answer must not hold the subscription row that every client and member create waits on. Two
 * checkouts at once may both ask Stripe, with one idempotency key (one customer, also after a lost
 * answer); the first id stored wins and both read it back.
 */
async function createCustomer(db: Database, businessId: string, stripe: Stripe): Promise<string> {
  const { rows: names } = await db.execute(sql`select name from businesses where id = ${businessId}`);
  const customer = await stripe.customers.create(
    { name: String((names[0] as { name?: string } | undefined)?.name ?? ''), metadata: { businessId } },
    { idempotencyKey: `fuse-customer-${businessId}` },
  );
  await db.execute(
    sql`update subscriptions set stripe_customer_id = ${customer.id}, updated_at = now() where business_id = ${businessId} and stripe_customer_id is null`,
  );
  const { rows } = await db.execute(sql`select stripe_customer_id from subscriptions where business_id = ${businessId}`);
  return String((rows[0] as { stripe_customer_id: string }).stripe_customer_id);
}

/**
 * `POST /api/billing/checkout {plan}`: a Stripe Checkout session in subscription mode for the plan's
 * price, on the business's customer, the business id in the subscription's metadata (what ties its
 * webhooks to the business). With the local provider: the test checkout page.
 */
export async function startCheckout(db: Database, scope: Scope, raw: unknown, origin: string): Promise<{ url: string }> {
  assertCan(scope, 'billing.manage');
  await assertVerified(db, scope, 'billing.manage');
  const provider = billingProvider();
  if (provider.kind === 'none') throw new BillingNotConfiguredError();
  const parsed = checkoutInput.safeParse(raw);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  const { plan } = parsed.data;
  const row = await db.transaction((tx) => subscriptionOf(tx, scope.businessId, { lock: false }));
  if (effectivePlan(row) !== 'free') throw new ConflictError(ALREADY_PAID);
  if (provider.kind === 'local') return { url: `${origin}${TEST_CHECKOUT_PATH}?plan=${plan}` };
  const customer = row.stripeCustomerId ?? (await timed('billing.customer', () => createCustomer(db, scope.businessId, provider.stripe)));
  const metadata = { businessId: scope.businessId, plan };
  const session = await provider.stripe.checkout.sessions.create({
    mode: 'subscription',
    customer,
    client_reference_id: scope.businessId,
    line_items: [{ price: provider.prices[plan], quantity: 1 }],
    metadata,
    subscription_data: { metadata },
    success_url: `${origin}${UPGRADE_PATH}?checkout=success`,
    cancel_url: `${origin}${UPGRADE_PATH}?checkout=canceled`,
  });
  if (!session.url) throw new Error('Stripe returned a checkout session without a URL.');
  return { url: session.url };
}

/** `POST /api/billing/portal`: Stripe's customer portal for the business (the local provider: its test page). */
export async function openPortal(db: Database, scope: Scope, origin: string): Promise<{ url: string }> {
  assertCan(scope, 'billing.manage');
  await assertVerified(db, scope, 'billing.manage');
  const provider = billingProvider();
  if (provider.kind === 'none') throw new BillingNotConfiguredError();
  const row = await db.transaction((tx) => subscriptionOf(tx, scope.businessId, { lock: false }));
  if (provider.kind === 'local') return { url: `${origin}${TEST_CHECKOUT_PATH}?manage=1` };
  if (!row.stripeCustomerId) throw new NotFoundError('This business has no billing account yet: choose a plan first.');
  const session = await provider.stripe.billingPortal.sessions.create({ customer: row.stripeCustomerId, return_url: `${origin}${UPGRADE_PATH}` });
  return { url: session.url };
}

/**
 * The local test checkout ("Pay with a test card") and its cancel: builds the Stripe event the real
 * payment (or cancellation) would send and applies it through the webhook's own path. Only where the
 * local provider serves (never beside Stripe, never in a real deployment).
 */
export async function completeTestCheckout(db: Database, scope: Scope, raw: unknown): Promise<{ outcome: string }> {
  assertCan(scope, 'billing.manage');
  await assertVerified(db, scope, 'billing.manage');
  if (billingProvider().kind !== 'local') throw new NotFoundError('There is no test checkout on this server.');
  const parsed = testCheckoutInput.safeParse(raw);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  const row = await db.transaction((tx) => subscriptionOf(tx, scope.businessId, { lock: false }));
  const now = Math.floor(Date.now() / 1000);
  // Never older than what is applied, so the out-of-order rule does not drop a click made within a second.
  const created = Math.max(now, row.lastEventCreated ?? 0);
  const customer = row.stripeCustomerId ?? `cus_local_${scope.businessId.replace(/-/g, '')}`;
  let event: StripeEventLike;
  if (parsed.data.action === 'pay') {
    if (effectivePlan(row) !== 'free') throw new ConflictError(ALREADY_PAID);
    event = subscriptionEvent('customer.subscription.created', created, {
      id: `sub_local_${randomUUID().replace(/-/g, '')}`,
      customer,
      status: 'active',
      businessId: scope.businessId,
      plan: parsed.data.plan,
      periodEnd: now + 30 * 86_400,
    });
  } else {
    if (effectivePlan(row) === 'free') throw new ConflictError('This business has no paid plan to cancel.');
    event = subscriptionEvent('customer.subscription.deleted', created, {
      // A paid plan the seeds gave has no subscription id yet.
      id: row.stripeSubscriptionId ?? `sub_local_${scope.businessId.replace(/-/g, '')}`,
      customer,
      status: 'canceled',
      businessId: scope.businessId,
      plan: row.plan === 'free' ? 'pro' : row.plan,
      periodEnd: Math.floor(row.currentPeriodEnd.getTime() / 1000),
    });
  }
  return { outcome: await applyStripeEvent(db, event) };
}

function subscriptionEvent(
  type: string,
  created: number,
  s: { id: string; customer: string; status: string; businessId: string; plan: PaidPlan; periodEnd: number },
): StripeEventLike {
  return {
    id: `evt_local_${randomUUID().replace(/-/g, '')}`,
    type,
    created,
    data: {
      object: {
        id: s.id,
        object: 'subscription',
        customer: s.customer,
        status: s.status,
        cancel_at_period_end: false,
        metadata: { businessId: s.businessId },
        items: { data: [{ price: { id: LOCAL_PRICES[s.plan] }, current_period_end: s.periodEnd }] },
      },
    },
  };
}
