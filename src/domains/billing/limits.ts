import 'server-only';
import { sql } from 'drizzle-orm';
import { config } from '@/fuse/config';
import { PaymentRequiredError } from '@/fuse/http/errors';
import type { Transaction } from '@/fuse/live/outbox';
import { effectivePlan, GRACE_DAYS, PLANS, UPGRADE_PATH, writesAllowed, type BillingStatus, type LimitName, type Plan } from './plans';

export type SubscriptionRow = {
  plan: Plan;
  status: BillingStatus;
  currentPeriodEnd: Date;
  cancelAtPeriodEnd: boolean;
  pastDueSince: Date | null;
  paidSince: Date | null;
  canceledAt: Date | null;
  stripeCustomerId: string | null;
  stripeSubscriptionId: string | null;
  lastEventCreated: number | null;
};

type Queryable = Pick<Transaction, 'execute'>;

const date = (v: unknown): Date | null => (v == null ? null : new Date(v as string));

function toRow(r: Record<string, unknown>): SubscriptionRow {
  return {
    plan: r.plan as Plan,
    status: r.status as BillingStatus,
    currentPeriodEnd: date(r.current_period_end)!,
    cancelAtPeriodEnd: Boolean(r.cancel_at_period_end),
    pastDueSince: date(r.past_due_since),
    paidSince: date(r.paid_since),
    canceledAt: date(r.canceled_at),
    stripeCustomerId: (r.stripe_customer_id as string | null) ?? null,
    stripeSubscriptionId: (r.stripe_subscription_id as string | null) ?? null,
    lastEventCreated: r.last_event_created == null ? null : Number(r.last_event_created),
  };
}

const COLUMNS = sql.raw(
  'plan, status, current_period_end, cancel_at_period_end, past_due_since, paid_since, canceled_at, stripe_customer_id, stripe_subscription_id, last_event_created',
);

/**
 * The business's subscription row; `lock`: held FOR UPDATE until the transaction ends, so whoever
 * counts against the plan or changes it goes one at a time. A business without a row (created
 * before billing, or by hand) gets its free one here.
 */
export async function subscriptionOf(tx: Queryable, businessId: string, { lock }: { lock: boolean }): Promise<SubscriptionRow> {
  const read = () => tx.execute(sql`select ${COLUMNS} from subscriptions where business_id = ${businessId} ${lock ? sql`for update` : sql``}`);
  let result = await read();
  if (!result.rows[0]) {
    await tx.execute(sql`insert into subscriptions (business_id, plan, status, current_period_end)
      values (${businessId}, 'free', 'active', now() + interval '30 days') on conflict (business_id) do nothing`);
    result = await read();
  }
  return toRow(result.rows[0] as Record<string, unknown>);
}

/** What the business uses of each limit: all its clients (archived ones stay its data), its members and open invites. */
export async function usageOf(tx: Queryable, businessId: string, only?: LimitName): Promise<Record<LimitName, number>> {
  const clients = only === 'members' ? sql`0` : sql`(select count(*) from clients where business_id = ${businessId})`;
  const members =
    only === 'clients'
      ? sql`0`
      : sql`(select count(*) from memberships where business_id = ${businessId})
          + (select count(*) from invites where business_id = ${businessId}
               and accepted_at is null and revoked_at is null and expires_at > now())`;
  const { rows } = await tx.execute(sql`select ${clients}::int as clients, ${members}::int as members`);
  const row = rows[0] as { clients: number; members: number };
  return { clients: Number(row.clients), members: Number(row.members) };
}

export function upgradeUrl(): string {
  return `${config().publicUrl ?? ''}${UPGRADE_PATH}`;
}

const NOUNS: Record<LimitName, string> = { clients: 'clients', members: 'members (pending invites included)' };

/**
 * The data layer's billing check, inside the write's own transaction: a past-due business past its
 * grace period writes nothing (402); `adding` one more client or member is counted against the plan
 * under the subscription row's lock, so two concurrent creates cannot both take the last place.
 */
export async function assertBillingAllows(tx: Queryable, businessId: string, adding?: LimitName, now: Date = new Date()): Promise<void> {
  const row = await subscriptionOf(tx, businessId, { lock: adding !== undefined });
  if (!writesAllowed(row, now)) {
    throw new PaymentRequiredError(
      `Payment for this business is overdue by more than ${GRACE_DAYS} days, so changes are paused. Your data stays readable: update the payment method to continue.`,
      upgradeUrl(),
      'payment',
    );
  }
  if (!adding) return;
  const plan = effectivePlan(row);
  const limit = PLANS[plan].limits[adding];
  if (limit === null) return;
  const used = (await usageOf(tx, businessId, adding))[adding];
  if (used >= limit) {
    throw new PaymentRequiredError(
      `The ${PLANS[plan].label} plan allows ${limit.toLocaleString('en-US')} ${NOUNS[adding]}, and this business has ${used.toLocaleString('en-US')}. Upgrade the plan to add more.`,
      upgradeUrl(),
      adding,
    );
  }
}
