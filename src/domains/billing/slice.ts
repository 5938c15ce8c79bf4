import { fetchJson } from '@/fuse/store/api';
import type { DomainState } from '@/fuse/store/domain-store';
import { showError } from '@/fuse/store/optimistic';
import type { LiveChange, UiSlice } from '@/fuse/store/slices';
import type { PaidPlan } from './plans';
import type { BillingView, SubscriptionView } from './queries';

export type BillingSlice = {
  billing: BillingView & {
    /** A request to Stripe (or the test checkout) is on its way: the buttons wait. */
    busy: boolean;
    /** Goes to the checkout of a plan (Stripe's page, or the local test checkout). */
    checkout: (plan: PaidPlan) => Promise<void>;
    /** Goes to the customer portal. */
    manage: () => Promise<void>;
    apply: (change: LiveChange) => void;
  };
};

export type BillingStoreState = DomainState<BillingSlice>;

type State = BillingSlice & UiSlice;
type Set = (fn: (s: State) => Partial<State>) => void;
type Get = () => State;

export function billingSlice(initial: BillingView, set: Set, get: Get): BillingSlice {
  const patch = (p: Partial<BillingSlice['billing']>) => set((s) => ({ billing: { ...s.billing, ...p } }));
  const go = async (url: string, body?: unknown) => {
    patch({ busy: true });
    try {
      const { url: next } = await fetchJson<{ url: string }>(url, { method: 'POST', body: body === undefined ? undefined : JSON.stringify(body) });
      window.location.assign(next);
    } catch (err) {
      showError(get().ui, err);
      patch({ busy: false });
    }
  };
  return {
    billing: {
      ...initial,
      busy: false,
      checkout: (plan) => go('/api/billing/checkout', { plan }),
      manage: () => go('/api/billing/portal'),
      apply(change) {
        // A payment, a plan change or a cancellation, from Stripe's webhook or the test checkout.
        if (change.domain === 'billing' && change.kind === 'subscription') patch(change.data as SubscriptionView);
      },
    },
  };
}
