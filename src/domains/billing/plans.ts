/**
 * The plans, in one place: what each allows and costs. The data layer counts against `limits`
 * (src/domains/billing/limits.ts), the billing page shows them, the operations page prices MRR with
 * `monthlyCents`. Browser-safe.
 */
export const PLAN_NAMES = ['free', 'pro', 'business'] as const;
export type Plan = (typeof PLAN_NAMES)[number];
export type PaidPlan = Exclude<Plan, 'free'>;
export const PAID_PLANS = ['pro', 'business'] as const satisfies readonly PaidPlan[];

/** A limit of null: no limit. Members count the pending invites too. */
export type Limits = { clients: number | null; members: number | null };
export type LimitName = keyof Limits;

export const PLANS: Record<Plan, { label: string; limits: Limits; monthlyCents: number }> = {
  free: { label: 'Free', limits: { clients: 100, members: 5 }, monthlyCents: 0 },
  pro: { label: 'Pro', limits: { clients: 10_000, members: 25 }, monthlyCents: 2_900 },
  business: { label: 'Business', limits: { clients: null, members: null }, monthlyCents: 9_900 },
};

/** Days after a first failed payment during which a past-due business still writes. */
export const GRACE_DAYS = 7;

/** Where the 402 answers send the user. */
export const UPGRADE_PATH = '/dashboard/settings/billing';

export const STATUSES = ['active', 'trialing', 'past_due', 'incomplete', 'canceled'] as const;
export type BillingStatus = (typeof STATUSES)[number];

/** The state of a subscription row the rules read. */
export type SubscriptionState = { plan: Plan; status: BillingStatus; pastDueSince: Date | null };

/** The plan in force: a canceled or never-completed subscription is the free plan. */
export function effectivePlan(s: Pick<SubscriptionState, 'plan' | 'status'>): Plan {
  return s.status === 'canceled' || s.status === 'incomplete' ? 'free' : s.plan;
}

/** When a past-due business stops writing; null when it is not past due. */
export function graceEndsAt(s: SubscriptionState): Date | null {
  if (s.status !== 'past_due' || !s.pastDueSince) return null;
  return new Date(s.pastDueSince.getTime() + GRACE_DAYS * 86_400_000);
}

/** Whether the business may write at `now`: everything but a past-due one after its grace period. */
export function writesAllowed(s: SubscriptionState, now: Date = new Date()): boolean {
  const ends = graceEndsAt(s);
  return ends === null || now.getTime() < ends.getTime();
}
