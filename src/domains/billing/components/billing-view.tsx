'use client';

import type { ReactNode } from 'react';
import { can } from '@/fuse/auth/permissions';
import { createDomainStore, type DomainInitial } from '@/fuse/store/domain-store';
import { FuseProvider, useFuse } from '@/fuse/store/provider';
import { Toast } from '@/fuse/store/toast';
import { PAID_PLANS, PLAN_NAMES, PLANS, type LimitName } from '../plans';
import type { BillingView as BillingData } from '../queries';
import { billingSlice, type BillingStoreState } from '../slice';

type S = BillingStoreState;

export type BillingStoreInitial = DomainInitial<'billing', BillingData>;

const createBillingStore = createDomainStore('billing', billingSlice);

export function BillingProvider({
  initial,
  livePosition,
  children,
}: {
  initial: BillingStoreInitial;
  livePosition: number | null;
  children: ReactNode;
}) {
  return (
    <FuseProvider initial={initial} create={createBillingStore} livePosition={livePosition}>
      {children}
    </FuseProvider>
  );
}

const STATUS_TEXT: Record<BillingData['status'], string> = {
  active: 'Active',
  trialing: 'Trial',
  past_due: 'Payment overdue',
  incomplete: 'Payment not completed',
  canceled: 'Canceled',
};

const day = (iso: string) => new Date(iso).toLocaleDateString('en-US', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
const money = (cents: number) => `$${(cents / 100).toFixed(0)}`;

function Usage({ name, label }: { name: LimitName; label: string }) {
  const used = useFuse((s: S) => s.billing.usage[name]);
  const limit = useFuse((s: S) => s.billing.limits[name]);
  return (
    <li data-usage={name}>
      {label}: <strong>{used.toLocaleString('en-US')}</strong> of {limit === null ? 'unlimited' : limit.toLocaleString('en-US')}
      {limit !== null && used >= limit ? <span className="status status-archived"> limit reached</span> : null}
    </li>
  );
}

export function BillingView() {
  const b = useFuse((s: S) => s.billing);
  const rank = useFuse((s: S) => s.session.rank);
  const manages = can(rank, 'billing.manage');
  const paid = b.plan !== 'free';
  return (
    <section className="settings billing">
      <h1>Billing</h1>
      <section aria-label="Current plan">
        <h2>
          Plan: <span data-plan={b.plan}>{PLANS[b.plan].label}</span>
        </h2>
        <p>
          Status: <strong data-status={b.status}>{STATUS_TEXT[b.status]}</strong>
          {paid ? (
            <>
              {' · '}
              {b.cancelAtPeriodEnd ? 'Ends' : 'Renews'} on {day(b.currentPeriodEnd)}
            </>
          ) : null}
        </p>
        {b.graceEndsAt ? (
          <p className="form-error" role="alert">
            {b.writable
              ? `The last payment failed. Update the payment method before ${day(b.graceEndsAt)} to keep making changes.`
              : 'The payment is overdue: changes are paused until it is paid. Your data stays readable.'}
          </p>
        ) : null}
        <ul>
          <Usage name="clients" label="Clients" />
          <Usage name="members" label="Members (with open invites)" />
        </ul>
      </section>
      <section aria-label="Plans">
        <h2>Plans</h2>
        <ul className="plans">
          {PLAN_NAMES.map((p) => (
            <li key={p} data-plan-option={p}>
              <strong>{PLANS[p].label}</strong> — {money(PLANS[p].monthlyCents)} a month:{' '}
              {PLANS[p].limits.clients?.toLocaleString('en-US') ?? 'unlimited'} clients, {PLANS[p].limits.members ?? 'unlimited'} members
              {p === b.plan ? <span className="muted"> (current)</span> : null}
            </li>
          ))}
        </ul>
        {!manages ? (
          <p className="muted">Only a captain can change the plan or the payment method.</p>
        ) : b.provider === 'none' ? (
          <p className="muted">Billing is not configured on this server.</p>
        ) : (
          <p>
            {!paid
              ? PAID_PLANS.map((p) => (
                  <button key={p} type="button" disabled={b.busy} onClick={() => void b.checkout(p)}>
                    Upgrade to {PLANS[p].label}
                  </button>
                ))
              : null}{' '}
            {paid || b.status === 'canceled' ? (
              <button type="button" className="link" disabled={b.busy} onClick={() => void b.manage()}>
                Manage billing
              </button>
            ) : null}
          </p>
        )}
        {b.provider === 'local' ? <p className="muted">Test mode: payments go through FUSE’s test checkout, no card is charged.</p> : null}
      </section>
      <Toast />
    </section>
  );
}
