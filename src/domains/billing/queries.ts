import 'server-only';
import { assertCan } from '@/fuse/auth/permissions';
import type { Database } from '@/fuse/db/client';
import { timed } from '@/fuse/db/timed';
import type { Session } from '@/fuse/session/token';
import { subscriptionOf, usageOf, type SubscriptionRow } from './limits';
import { effectivePlan, graceEndsAt, PLANS, writesAllowed, type BillingStatus, type Limits, type Plan } from './plans';
import { billingProvider } from './provider';

export type Scope = Pick<Session, 'businessId' | 'rank' | 'userId'>;

/** The subscription as the billing page shows it (and its live change carries). */
export type SubscriptionView = {
  /** The plan in force (a canceled subscription is `free`). */
  plan: Plan;
  status: BillingStatus;
  currentPeriodEnd: string;
  cancelAtPeriodEnd: boolean;
  limits: Limits;
  /** A past-due business writes until then; null when not past due. */
  graceEndsAt: string | null;
  writable: boolean;
};

export type BillingView = SubscriptionView & {
  usage: Record<keyof Limits, number>;
  /** Who takes payment here: Stripe, the local test checkout, or nobody (checkout answers 503). */
  provider: 'stripe' | 'local' | 'none';
};

export function toSubscriptionView(row: SubscriptionRow, now: Date = new Date()): SubscriptionView {
  const plan = effectivePlan(row);
  const grace = graceEndsAt(row);
  return {
    plan,
    status: row.status,
    currentPeriodEnd: row.currentPeriodEnd.toISOString(),
    cancelAtPeriodEnd: row.cancelAtPeriodEnd,
    limits: PLANS[plan].limits,
    graceEndsAt: grace ? grace.toISOString() : null,
    writable: writesAllowed(row, now),
  };
}

/** `GET /api/billing`: every rank of the business reads its plan, status, limits and usage. */
export async function loadBilling(db: Database, scope: Scope): Promise<BillingView> {
  assertCan(scope, 'billing.read');
  return timed('billing.load', () =>
    db.transaction(async (tx) => {
      const row = await subscriptionOf(tx, scope.businessId, { lock: false });
      const usage = await usageOf(tx, scope.businessId);
      return { ...toSubscriptionView(row), usage, provider: billingProvider().kind };
    }),
  );
}
