'use client';

import { TriangleAlert } from 'lucide-react';
import { can } from '@/fuse/auth/permissions';
import type { DomainInitial } from '@/fuse/store/domain-store';
import { domainProvider, useFuse } from '@/fuse/store/provider';
import { Toast } from '@/fuse/store/toast';
import { Badge, type BadgeTone } from '@/fuse/ui/badge';
import { Button } from '@/fuse/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle, StatCard } from '@/fuse/ui/card';
import { PageHeader } from '@/fuse/ui/page-header';
import { PLAN_NAMES, PLANS, type LimitName } from '../plans';
import type { BillingView as BillingData } from '../queries';
import { billingSlice, type BillingStoreState } from '../slice';

type S = BillingStoreState;

export type BillingStoreInitial = DomainInitial<'billing', BillingData>;

export const BillingProvider = domainProvider('billing', billingSlice);

const STATUS_TEXT: Record<BillingData['status'], string> = {
  active: 'Active',
  trialing: 'Trial',
  past_due: 'Payment overdue',
  incomplete: 'Payment not completed',
  canceled: 'Canceled',
};

const STATUS_TONE: Record<BillingData['status'], BadgeTone> = {
  active: 'success',
  trialing: 'info',
  past_due: 'danger',
  incomplete: 'warning',
  canceled: 'neutral',
};

const day = (iso: string) => new Date(iso).toLocaleDateString('en-US', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
const money = (cents: number) => `$${(cents / 100).toFixed(0)}`;
const count = (n: number | null) => (n === null ? 'unlimited' : n.toLocaleString('en-US'));

/** One limit: how much is used of it, as a number and a bar (none for an unlimited plan). */
function Usage({ name, label }: { name: LimitName; label: string }) {
  const used = useFuse((s: S) => s.billing.usage[name]);
  const limit = useFuse((s: S) => s.billing.limits[name]);
  const reached = limit !== null && used >= limit;
  const share = limit === null || limit === 0 ? 0 : Math.min(100, Math.round((used / limit) * 100));
  return (
    <Card className="flex flex-col gap-2 p-4" data-usage={name}>
      <div className="flex items-center justify-between gap-2 text-sm text-muted-foreground">
        <span>{label}</span>
        {reached ? <Badge tone="danger">limit reached</Badge> : null}
      </div>
      <div className="text-2xl font-semibold tracking-tight tabular-nums">
        <strong className="font-semibold">{used.toLocaleString('en-US')}</strong>{' '}
        <span className="text-base font-normal text-muted-foreground">of {count(limit)}</span>
      </div>
      {limit !== null ? (
        <div
          role="progressbar"
          aria-label={`${label} used`}
          aria-valuemin={0}
          aria-valuemax={limit}
          aria-valuenow={Math.min(used, limit)}
          className="h-2 overflow-hidden rounded-full bg-muted"
        >
          <div className={reached ? 'h-full bg-destructive' : 'h-full bg-primary'} style={{ width: `${share}%` }} />
        </div>
      ) : null}
    </Card>
  );
}

export function BillingView() {
  const b = useFuse((s: S) => s.billing);
  const rank = useFuse((s: S) => s.session.rank);
  const manages = can(rank, 'billing.manage');
  const paid = b.plan !== 'free';
  const configured = manages && b.provider !== 'none';
  const canUpgrade = configured && !paid;
  return (
    <section className="settings billing">
      <PageHeader
        title="Billing"
        description="Your plan, what it allows, and how much of it your business uses."
        actions={
          configured && (paid || b.status === 'canceled') ? (
            <Button variant="outline" disabled={b.busy} onClick={() => void b.manage()}>
              Manage billing
            </Button>
          ) : null
        }
      />
      <div className="flex flex-col gap-6">
        {b.graceEndsAt ? (
          <p className="form-error flex gap-2 rounded-md border border-destructive bg-card px-3 py-2 text-sm text-destructive" role="alert">
            <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
            <span>
              {b.writable
                ? `The last payment failed. Update the payment method before ${day(b.graceEndsAt)} to keep making changes.`
                : 'The payment is overdue: changes are paused until it is paid. Your data stays readable.'}
            </span>
          </p>
        ) : null}
        <section aria-label="Current plan" className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          <StatCard label="Plan" value={PLANS[b.plan].label} data-plan={b.plan} hint={`${money(PLANS[b.plan].monthlyCents)} a month`} />
          <StatCard
            label="Status"
            value={
              <Badge tone={STATUS_TONE[b.status]} className="text-sm" data-status={b.status}>
                {STATUS_TEXT[b.status]}
              </Badge>
            }
            hint={paid ? `${b.cancelAtPeriodEnd ? 'Ends' : 'Renews'} on ${day(b.currentPeriodEnd)}` : 'Nothing to renew on the free plan.'}
          />
          <Usage name="clients" label="Clients" />
          <Usage name="members" label="Members (with open invites)" />
        </section>
        <Card>
          <CardHeader>
            <CardTitle>Plans</CardTitle>
            <CardDescription>
              {!manages
                ? 'Only a captain can change the plan or the payment method.'
                : b.provider === 'none'
                  ? 'Billing is not configured on this server.'
                  : 'Upgrade at any time; manage or cancel a paid plan from the payment page.'}
            </CardDescription>
          </CardHeader>
          <CardContent className="flex flex-col gap-4">
            <ul aria-label="Plans" className="plans grid gap-4 md:grid-cols-3">
              {PLAN_NAMES.map((p) => {
                const current = p === b.plan;
                return (
                  <li
                    key={p}
                    data-plan-option={p}
                    className={`flex flex-col gap-3 rounded-lg border p-4 ${current ? 'border-primary bg-accent/40' : 'border-border'}`}
                  >
                    <div className="flex items-center justify-between gap-2">
                      <strong className="font-semibold">{PLANS[p].label}</strong>
                      {current ? <Badge tone="info">current</Badge> : null}
                    </div>
                    <p className="text-2xl font-semibold tracking-tight tabular-nums">
                      {money(PLANS[p].monthlyCents)} <span className="text-sm font-normal text-muted-foreground">a month</span>
                    </p>
                    <p className="text-sm text-muted-foreground">
                      {count(PLANS[p].limits.clients)} clients, {count(PLANS[p].limits.members)} members
                    </p>
                    {canUpgrade && p !== 'free' ? (
                      <Button className="mt-auto" disabled={b.busy} onClick={() => void b.checkout(p)}>
                        Upgrade to {PLANS[p].label}
                      </Button>
                    ) : null}
                  </li>
                );
              })}
            </ul>
            {b.provider === 'local' ? (
              <p className="text-sm text-muted-foreground">Test mode: payments go through FUSE’s test checkout, no card is charged.</p>
            ) : null}
          </CardContent>
        </Card>
      </div>
      <Toast />
    </section>
  );
}
