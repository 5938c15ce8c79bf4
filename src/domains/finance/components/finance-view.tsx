'use client';

import { memo, useState, type FormEvent } from 'react';
import { can } from '@/fuse/auth/permissions';
import { useFuse } from '@/fuse/store/provider';
import { Toast } from '@/fuse/store/toast';
import { formatMoney } from '../money';
import type { InvoiceView } from '../queries';
import { INVOICE_STATUSES, type InvoiceStatus } from '../schema';
import type { FinanceStoreState } from '../slice';
import { RevenueChart } from './revenue-chart';

type S = FinanceStoreState;

function SummaryCards() {
  const summary = useFuse((s: S) => s.finance.summary);
  const c = summary.currency;
  return (
    <>
      <div className="cards" aria-label="Finance summary">
        <div className="card">
          <div className="muted">Revenue this month</div>
          <div className="n" data-metric="revenue-this-month">
            {formatMoney(summary.revenueThisMonthCents, c)}
          </div>
        </div>
        <div className="card">
          <div className="muted">Outstanding ({summary.outstandingCount})</div>
          <div className="n" data-metric="outstanding">
            {formatMoney(summary.outstandingCents, c)}
          </div>
        </div>
        <div className="card">
          <div className="muted">Overdue ({summary.overdueCount})</div>
          <div className="n" data-metric="overdue">
            {formatMoney(summary.overdueCents, c)}
          </div>
        </div>
      </div>
      <div className="finance-grid">
        <section>
          <h2>Revenue, last 12 months</h2>
          <RevenueChart series={summary.revenueByMonth} currency={c} />
        </section>
        <section>
          <h2>Top clients</h2>
          <ol className="top-clients" aria-label="Top clients by revenue">
            {summary.topClients.map((t) => (
              <li key={t.clientId} data-client-id={t.clientId}>
                <span>{t.name || `Client ${t.clientId}`}</span> <strong>{formatMoney(t.cents, c)}</strong>
              </li>
            ))}
            {summary.topClients.length === 0 ? <li className="muted">No paid invoices in the last 12 months.</li> : null}
          </ol>
        </section>
      </div>
    </>
  );
}

/** Collapsed until asked for: the page opens on the numbers, and its client picker costs nothing until used. */
function NewInvoice() {
  const [open, setOpen] = useState(false);
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)}>
        New invoice
      </button>
    );
  }
  return <CreateInvoice />;
}

function CreateInvoice() {
  const create = useFuse((s: S) => s.finance.create);
  const options = useFuse((s: S) => s.finance.clientOptions);
  const currency = useFuse((s: S) => s.finance.summary.currency);
  const [clientId, setClientId] = useState(options[0]?.id ?? 0);
  const [amount, setAmount] = useState('');
  const [cur, setCur] = useState(currency);
  const [dueOn, setDueOn] = useState('');

  async function submit(event: FormEvent) {
    event.preventDefault();
    const ok = await create({ clientId, amount, currency: cur, ...(dueOn ? { dueOn } : {}) });
    if (ok) setAmount('');
  }
  return (
    <form className="client-form" onSubmit={submit} aria-label="New invoice">
      <select aria-label="Client" value={clientId} onChange={(e) => setClientId(Number(e.target.value))} required>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
      <input
        aria-label="Amount"
        placeholder="Amount, e.g. 120.50"
        inputMode="decimal"
        pattern="\d+(\.\d{1,3})?"
        value={amount}
        onChange={(e) => setAmount(e.target.value)}
        required
      />
      <input aria-label="Currency" value={cur} maxLength={3} size={4} onChange={(e) => setCur(e.target.value.toUpperCase())} required />
      <input aria-label="Due date" type="date" value={dueOn} onChange={(e) => setDueOn(e.target.value)} />
      <button type="submit">Create invoice</button>
    </form>
  );
}

function Filters() {
  const filter = useFuse((s: S) => s.finance.filter);
  const setFilter = useFuse((s: S) => s.finance.setFilter);
  const [q, setQ] = useState(filter.q);
  return (
    <form
      className="filters"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        void setFilter({ q });
      }}
    >
      <select
        aria-label="Filter invoices by status"
        value={filter.status}
        onChange={(e) => void setFilter({ status: e.target.value as InvoiceStatus | 'all' })}
      >
        <option value="all">all statuses</option>
        {INVOICE_STATUSES.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
      <input type="search" aria-label="Search invoice numbers" placeholder="Invoice number" value={q} onChange={(e) => setQ(e.target.value)} />
      <button type="submit">Search</button>
    </form>
  );
}

const InvoiceRow = memo(function InvoiceRow({ invoice, editable }: { invoice: InvoiceView; editable: boolean }) {
  const act = useFuse((s: S) => s.finance.act);
  return (
    <tr data-invoice-id={invoice.id}>
      <td>{invoice.number}</td>
      <td>{invoice.clientName}</td>
      <td className="num">{formatMoney(invoice.amountCents, invoice.currency)}</td>
      <td>
        <span className={`status status-${invoice.status}`}>{invoice.status}</span>
      </td>
      <td>{invoice.issuedOn}</td>
      <td>{invoice.dueOn}</td>
      <td className="actions">
        {editable && invoice.status === 'draft' ? (
          <button type="button" className="link" onClick={() => void act(invoice.id, 'send')}>
            Send
          </button>
        ) : null}
        {editable && (invoice.status === 'sent' || invoice.status === 'overdue') ? (
          <button type="button" className="link" onClick={() => void act(invoice.id, 'markPaid')}>
            Mark paid
          </button>
        ) : null}
      </td>
    </tr>
  );
});

function InvoiceTable({ firstRows }: { firstRows?: number }) {
  const all = useFuse((s: S) => s.finance.items);
  const items = firstRows ? all.slice(0, firstRows) : all;
  const rank = useFuse((s: S) => s.session.rank);
  const editable = can(rank, 'finance.edit');
  return (
    <table className="clients invoices">
      <thead>
        <tr>
          <th>Number</th>
          <th>Client</th>
          <th>Amount</th>
          <th>Status</th>
          <th>Issued</th>
          <th>Due</th>
          <th aria-label="Actions" />
        </tr>
      </thead>
      <tbody>
        {items.map((invoice) => (
          <InvoiceRow key={invoice.id} invoice={invoice} editable={editable} />
        ))}
        {items.length === 0 ? (
          <tr>
            <td colSpan={7} className="empty">
              No invoices match.
            </td>
          </tr>
        ) : null}
      </tbody>
    </table>
  );
}

function LoadMore() {
  const nextCursor = useFuse((s: S) => s.finance.nextCursor);
  const busy = useFuse((s: S) => s.finance.busy);
  const loadMore = useFuse((s: S) => s.finance.loadMore);
  const count = useFuse((s: S) => s.finance.items.length);
  return (
    <div className="load-more">
      <span className="muted">{count} shown</span>
      {nextCursor ? (
        <button type="button" onClick={() => void loadMore()} disabled={busy}>
          Load more
        </button>
      ) : null}
    </div>
  );
}

/** `firstRows`: draw only the first rows (the instant preview shows a screenful; the page brings the rest). */
export function FinanceView({ firstRows }: { firstRows?: number } = {}) {
  const rank = useFuse((s: S) => s.session.rank);
  return (
    <section className="finance">
      <h1>Finance</h1>
      <SummaryCards />
      <h2>Invoices</h2>
      {can(rank, 'finance.create') ? <NewInvoice /> : null}
      <Filters />
      <InvoiceTable firstRows={firstRows} />
      <LoadMore />
      <Toast />
    </section>
  );
}
