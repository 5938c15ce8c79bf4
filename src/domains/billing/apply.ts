import 'server-only';
import { eq, sql } from 'drizzle-orm';
import type { Database } from '@/fuse/db/client';
import { timed } from '@/fuse/db/timed';
import { recordChange, type Transaction } from '@/fuse/live/outbox';
import { subscriptionOf, type SubscriptionRow } from './limits';
import type { BillingStatus, Plan } from './plans';
import { planForPrice } from './provider';
import { toSubscriptionView } from './queries';
import { billingEvents } from './schema';

/** The part of a Stripe event FUSE reads (a verified webhook payload, or one the local checkout built). */
export type StripeEventLike = { id: string; type: string; created: number; data: { object: unknown } };

export const APPLIED_EVENT_TYPES = [
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'checkout.session.completed',
  'invoice.paid',
  'invoice.payment_failed',
] as const;

export type ApplyOutcome = 'applied' | 'duplicate' | 'stale' | 'ignored' | 'unknown business' | 'unknown price';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 && v.length <= 255 ? v : null);
/** An expandable field: the id, or the object's id. */
const idOf = (v: unknown): string | null => str(v) ?? str(obj(v).id);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const businessIdOf = (metadata: unknown): string | null => {
  const id = str(obj(metadata).businessId);
  return id && UUID.test(id) ? id.toLowerCase() : null;
};

/** Stripe's subscription statuses, as FUSE keeps them. */
function statusFrom(stripeStatus: unknown): BillingStatus | null {
  switch (stripeStatus) {
    case 'active':
    case 'trialing':
    case 'past_due':
    case 'incomplete':
    case 'canceled':
      return stripeStatus;
    case 'unpaid':
      return 'past_due';
    case 'incomplete_expired':
    case 'paused':
      return 'canceled';
    default:
      return null;
  }
}

/** What one event says about a business's subscription: only the fields it carries. */
type Change = {
  businessId: string | null;
  customerId: string | null;
  subscriptionId: string | null;
  /** Null: the price is not one of the plans' (the event changes nothing). */
  plan?: Plan | null;
  status?: BillingStatus;
  currentPeriodEnd?: Date;
  cancelAtPeriodEnd?: boolean;
  /** For status events that only concern the business's current subscription (payments, deletion). */
  currentOnly: boolean;
};

function fromSubscription(sub: Obj, deleted: boolean): Change {
  const item = obj((obj(sub.items).data as unknown[] | undefined)?.[0]);
  const periodEnd = num(sub.current_period_end) ?? num(item.current_period_end);
  return {
    businessId: businessIdOf(sub.metadata),
    customerId: idOf(sub.customer),
    subscriptionId: str(sub.id),
    plan: planForPrice(idOf(item.price)),
    status: deleted ? 'canceled' : (statusFrom(sub.status) ?? undefined),
    currentPeriodEnd: periodEnd ? new Date(periodEnd * 1000) : undefined,
    cancelAtPeriodEnd: typeof sub.cancel_at_period_end === 'boolean' ? sub.cancel_at_period_end : undefined,
    currentOnly: deleted,
  };
}

function fromInvoice(invoice: Obj, paid: boolean): Change {
  const details = obj(obj(invoice.parent).subscription_details);
  const legacy = obj(invoice.subscription_details);
  const line = obj((obj(invoice.lines).data as unknown[] | undefined)?.[0]);
  const periodEnd = num(obj(line.period).end);
  return {
    businessId: businessIdOf(details.metadata) ?? businessIdOf(legacy.metadata),
    customerId: idOf(invoice.customer),
    subscriptionId: idOf(details.subscription) ?? idOf(invoice.subscription),
    status: paid ? 'active' : 'past_due',
    currentPeriodEnd: paid && periodEnd ? new Date(periodEnd * 1000) : undefined,
    currentOnly: true,
  };
}

function fromCheckout(session: Obj): Change | null {
  if (session.mode !== 'subscription') return null;
  const paid = session.payment_status === 'paid' || session.payment_status === 'no_payment_required';
  const metaPlan = str(obj(session.metadata).plan);
  return {
    businessId:
      businessIdOf(session.metadata) ?? (UUID.test(str(session.client_reference_id) ?? '') ? str(session.client_reference_id)!.toLowerCase() : null),
    customerId: idOf(session.customer),
    subscriptionId: idOf(session.subscription),
    plan: metaPlan === 'pro' || metaPlan === 'business' ? metaPlan : undefined,
    status: paid ? 'active' : undefined,
    currentOnly: false,
  };
}

function changeOf(event: StripeEventLike): Change | null {
  const object = obj(event.data?.object);
  switch (event.type) {
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
      return fromSubscription(object, false);
    case 'customer.subscription.deleted':
      return fromSubscription(object, true);
    case 'invoice.paid':
      return fromInvoice(object, true);
    case 'invoice.payment_failed':
      return fromInvoice(object, false);
    case 'checkout.session.completed':
      return fromCheckout(object);
    default:
      return null;
  }
}

/** The business a change is about: its metadata, else the subscription or customer already tied to one. */
async function businessOf(tx: Transaction, change: Change): Promise<string | null> {
  if (change.businessId) {
    const { rows } = await tx.execute(sql`select id from businesses where id = ${change.businessId}`);
    return rows[0] ? change.businessId : null;
  }
  const by = async (column: 'stripe_subscription_id' | 'stripe_customer_id', value: string | null) => {
    if (!value) return null;
    const { rows } = await tx.execute(sql`select business_id from subscriptions where ${sql.identifier(column)} = ${value} limit 1`);
    return (rows[0] as { business_id: string } | undefined)?.business_id ?? null;
  };
  return (await by('stripe_subscription_id', change.subscriptionId)) ?? (await by('stripe_customer_id', change.customerId));
}

const PAYING: readonly BillingStatus[] = ['active', 'trialing', 'past_due'];
const paying = (s: { plan: Plan; status: BillingStatus }) => s.plan !== 'free' && PAYING.includes(s.status);

async function applyInside(tx: Transaction, event: StripeEventLike): Promise<{ outcome: ApplyOutcome; businessId: string | null }> {
  const change = changeOf(event);
  if (!change) return { outcome: 'ignored', businessId: null };
  const businessId = await businessOf(tx, change);
  if (!businessId) return { outcome: 'unknown business', businessId: null };
  if (change.plan === null) return { outcome: 'unknown price', businessId };
  const row = await subscriptionOf(tx, businessId, { lock: true });
  // Stripe does not deliver in order: an event older than the newest applied one is history.
  if (row.lastEventCreated !== null && event.created < row.lastEventCreated) return { outcome: 'stale', businessId };
  const current = row.stripeSubscriptionId;
  const other = change.subscriptionId !== null && current !== null && change.subscriptionId !== current;
  if (other) {
    // Another subscription than the business's current one: its payments or deletion change nothing,
    // and it replaces a live current one only by being live itself (a new checkout).
    if (change.currentOnly) return { outcome: 'ignored', businessId };
    if (paying(row) && !(change.status && PAYING.includes(change.status))) return { outcome: 'ignored', businessId };
  }
  const at = new Date(event.created * 1000);
  const next: SubscriptionRow = {
    ...row,
    plan: change.plan ?? row.plan,
    status: change.status ?? row.status,
    currentPeriodEnd: change.currentPeriodEnd ?? row.currentPeriodEnd,
    cancelAtPeriodEnd: change.status === 'canceled' ? false : (change.cancelAtPeriodEnd ?? row.cancelAtPeriodEnd),
    stripeSubscriptionId: change.subscriptionId ?? row.stripeSubscriptionId,
    stripeCustomerId: row.stripeCustomerId ?? change.customerId,
    lastEventCreated: event.created,
  };
  next.pastDueSince = next.status === 'past_due' ? (row.status === 'past_due' && row.pastDueSince ? row.pastDueSince : at) : null;
  if (paying(next) && !paying(row)) {
    next.paidSince = at;
    next.canceledAt = null;
  } else if (!paying(next) && paying(row)) next.canceledAt = at;
  if (next.stripeCustomerId && next.stripeCustomerId !== row.stripeCustomerId) {
    const { rows } = await tx.execute(sql`select 1 from subscriptions where stripe_customer_id = ${next.stripeCustomerId}`);
    if (rows[0]) next.stripeCustomerId = row.stripeCustomerId;
  }
  await tx.execute(sql`
    update subscriptions set
      plan = ${next.plan}, status = ${next.status}, current_period_end = ${next.currentPeriodEnd.toISOString()},
      cancel_at_period_end = ${next.cancelAtPeriodEnd}, past_due_since = ${next.pastDueSince?.toISOString() ?? null},
      paid_since = ${next.paidSince?.toISOString() ?? null}, canceled_at = ${next.canceledAt?.toISOString() ?? null},
      stripe_customer_id = ${next.stripeCustomerId}, stripe_subscription_id = ${next.stripeSubscriptionId},
      last_event_created = ${next.lastEventCreated}, updated_at = now()
    where business_id = ${businessId}`);
  const view = toSubscriptionView(next);
  await recordChange(tx, { businessId, domain: 'billing', kind: 'subscription', entityId: businessId, data: view });
  return { outcome: 'applied', businessId };
}

/**
 * Applies one Stripe event from its payload alone, once: its id is inserted into billing_events in
 * the same transaction as the change (`on conflict do nothing` is the gate), so a duplicate, or a
 * second concurrent delivery (it waits on the first's row, then finds it), changes nothing. The
 * webhook and the local test checkout both come through here.
 */
export async function applyStripeEvent(db: Database, event: StripeEventLike): Promise<ApplyOutcome> {
  return timed('billing.applyEvent', () =>
    db.transaction(async (tx) => {
      const gate = await tx
        .insert(billingEvents)
        .values({ id: event.id, type: event.type, created: event.created, outcome: 'applying' })
        .onConflictDoNothing()
        .returning({ id: billingEvents.id });
      if (!gate[0]) return 'duplicate' as const;
      const { outcome, businessId } = await applyInside(tx, event);
      await tx.update(billingEvents).set({ outcome, businessId }).where(eq(billingEvents.id, event.id));
      return outcome;
    }),
  );
}
