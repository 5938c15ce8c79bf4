'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { ApiError, fetchJson } from '@/fuse/store/api';
import { PLANS, type PaidPlan, type Plan } from '../plans';

/**
 * The local provider's stand-in for Stripe's hosted pages: "Pay with a test card" completes the
 * checkout (and "Cancel subscription" the portal's cancel) through the webhook's own code path.
 */
export function TestCheckout({ plan, current, mode }: { plan: PaidPlan | null; current: Plan; mode: 'pay' | 'manage' }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function send(body: unknown) {
    setBusy(true);
    setError(null);
    try {
      await fetchJson('/api/billing/test-checkout', { method: 'POST', body: JSON.stringify(body) });
      router.push('/dashboard/settings/billing');
      router.refresh();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Something went wrong.');
      setBusy(false);
    }
  }
  return (
    <section className="settings test-checkout">
      <h1>Test checkout</h1>
      <p className="muted">FUSE runs without Stripe here: this page stands in for Stripe’s checkout. No card is charged.</p>
      {mode === 'pay' && plan ? (
        <>
          <p>
            {PLANS[plan].label} plan — ${(PLANS[plan].monthlyCents / 100).toFixed(0)} a month
          </p>
          <button type="button" disabled={busy} onClick={() => void send({ action: 'pay', plan })}>
            Pay with a test card
          </button>
        </>
      ) : (
        <>
          <p>Current plan: {PLANS[current].label}</p>
          {current !== 'free' ? (
            <button type="button" disabled={busy} onClick={() => void send({ action: 'cancel' })}>
              Cancel subscription
            </button>
          ) : (
            <p className="muted">No paid plan to manage.</p>
          )}
        </>
      )}{' '}
      <a href="/dashboard/settings/billing">Back to billing</a>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}
