import { notFound } from 'next/navigation';
import { TestCheckout } from '@/domains/billing/components/test-checkout';
import { PAID_PLANS, type PaidPlan } from '@/domains/billing/plans';
import { loadBilling } from '@/domains/billing/queries';
import { can } from '@/fuse/auth/permissions';
import { requireScope } from '@/fuse/session/scope';

export const metadata = { title: 'Test checkout' };

/** The local provider's checkout page; it does not exist beside Stripe, in a real deployment, or for ranks that do not manage billing. */
export default async function TestCheckoutPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { session, db } = await requireScope();
  if (!can(session.rank, 'billing.manage')) notFound();
  const billing = await loadBilling(db, session);
  if (billing.provider !== 'local') notFound();
  const { plan, manage } = await searchParams;
  const chosen = PAID_PLANS.find((p) => p === plan) ?? null;
  if (!manage && !chosen) notFound();
  return <TestCheckout plan={chosen as PaidPlan | null} current={billing.plan} mode={manage ? 'manage' : 'pay'} />;
}
