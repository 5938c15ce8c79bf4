'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { CreditCard } from 'lucide-react';
import { ApiError, fetchJson } from '@/fuse/store/api';
import { Button } from '@/fuse/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/fuse/ui/card';
import { PageHeader } from '@/fuse/ui/page-header';
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
      <PageHeader title="Test checkout" description="FUSE runs without Stripe here: this page stands in for Stripe’s checkout. No card is charged." />
      <Card className="max-w-lg">
        {mode === 'pay' && plan ? (
          <>
            <CardHeader>
              <CardTitle>{PLANS[plan].label} plan</CardTitle>
              <CardDescription>
                ${(PLANS[plan].monthlyCents / 100).toFixed(0)} a month · {PLANS[plan].limits.clients?.toLocaleString('en-US') ?? 'unlimited'} clients,{' '}
                {PLANS[plan].limits.members ?? 'unlimited'} members
              </CardDescription>
            </CardHeader>
            <CardContent className="flex flex-wrap items-center gap-3">
              <Button disabled={busy} onClick={() => void send({ action: 'pay', plan })}>
                <CreditCard aria-hidden />
                Pay with a test card
              </Button>
              <Button asChild variant="ghost">
                <a href="/dashboard/settings/billing">Back to billing</a>
              </Button>
            </CardContent>
          </>
        ) : (
          <>
            <CardHeader>
              <CardTitle>Manage your subscription</CardTitle>
              <CardDescription>Current plan: {PLANS[current].label}</CardDescription>
            </CardHeader>
            <CardContent className="flex flex-wrap items-center gap-3">
              {current !== 'free' ? (
                <Button variant="destructive" disabled={busy} onClick={() => void send({ action: 'cancel' })}>
                  Cancel subscription
                </Button>
              ) : (
                <p className="w-full text-sm text-muted-foreground">No paid plan to manage.</p>
              )}
              <Button asChild variant="ghost">
                <a href="/dashboard/settings/billing">Back to billing</a>
              </Button>
            </CardContent>
          </>
        )}
        {error ? (
          <CardContent>
            <p className="form-error rounded-md border border-destructive px-3 py-2 text-sm text-destructive" role="alert">
              {error}
            </p>
          </CardContent>
        ) : null}
      </Card>
    </section>
  );
}
