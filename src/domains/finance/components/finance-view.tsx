'use client';

import { FileText, Plus } from 'lucide-react';
import { memo, useState, type FormEvent } from 'react';
import { can } from '@/fuse/auth/permissions';
import { useFuse } from '@/fuse/store/provider';
import { Toast } from '@/fuse/store/toast';
import { Badge, type BadgeTone } from '@/fuse/ui/badge';
import { Button } from '@/fuse/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle, StatCard } from '@/fuse/ui/card';
import { EmptyState } from '@/fuse/ui/empty-state';
import { Field, Input, Select } from '@/fuse/ui/input';
import { ListFilters } from '@/fuse/ui/list-filters';
import { LoadMoreBar } from '@/fuse/ui/load-more';
import { PageHeader } from '@/fuse/ui/page-header';
import { Table, TableCell, TableRow, TableRowHead } from '@/fuse/ui/table';
import { formatMoney } from '../money';
import type { InvoiceView } from '../queries';
import { INVOICE_STATUSES, type InvoiceStatus } from '../statuses';
import type { FinanceStoreState } from '../slice';
import { RevenueChart } from './revenue-chart';

type S = FinanceStoreState;

function SummaryCards() {
  const summary = useFuse((s: S) => s.finance.summary);
  const c = summary.currency;
  return (
    <>
      <div className="grid gap-3 sm:grid-cols-3 sm:gap-4" role="group" aria-label="Finance summary">
        <StatCard label="Revenue this month" value={formatMoney(summary.revenueThisMonthCents, c)} data-metric="revenue-this-month" />
        <StatCard label={`Outstanding (${summary.outstandingCount})`} value={formatMoney(summary.outstandingCents, c)} data-metric="outstanding" />
        <StatCard label={`Overdue (${summary.overdueCount})`} value={formatMoney(summary.overdueCents, c)} data-metric="overdue" />
      </div>
      <div className="mt-6 grid gap-4 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <Card>
          <CardHeader>
            <CardTitle>Revenue, last 12 months</CardTitle>
            <CardDescription>Paid invoices by month, in {c}.</CardDescription>
          </CardHeader>
          <CardContent>
            <RevenueChart series={summary.revenueByMonth} currency={c} />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Top clients</CardTitle>
            <CardDescription>By revenue, last 12 months.</CardDescription>
          </CardHeader>
          <CardContent>
            <ol className="top-clients flex flex-col divide-y divide-border" aria-label="Top clients by revenue">
              {summary.topClients.map((t) => (
                <li key={t.clientId} data-client-id={t.clientId} className="flex items-center justify-between gap-3 py-2 text-sm">
                  <span className="min-w-0 truncate">{t.name || `Client ${t.clientId}`}</span>
                  <strong className="font-semibold tabular-nums">{formatMoney(t.cents, c)}</strong>
                </li>
              ))}
              {summary.topClients.length === 0 ? (
                <li className="py-2 text-sm text-muted-foreground">No paid invoices in the last 12 months.</li>
              ) : null}
            </ol>
          </CardContent>
        </Card>
      </div>
    </>
  );
}

/** Collapsed until asked for: the page opens on the numbers, and its client picker costs nothing until used. */
function NewInvoice() {
  const [open, setOpen] = useState(false);
  if (!open) {
    return (
      <Button onClick={() => setOpen(true)}>
        <Plus aria-hidden /> New invoice
      </Button>
    );
  }
  return (
    <Card className="mb-4 w-full">
      <CardHeader>
        <CardTitle>New invoice</CardTitle>
      </CardHeader>
      <CardContent>
        <CreateInvoice />
      </CardContent>
    </Card>
  );
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
    <form
      className="grid gap-3 sm:grid-cols-2 lg:grid-cols-[minmax(0,1.4fr)_minmax(0,1fr)_minmax(0,0.6fr)_minmax(0,1fr)_9.5rem] lg:items-end"
      onSubmit={submit}
      aria-label="New invoice"
    >
      <Field label="Client">
        {(p) => (
          <Select {...p} value={clientId} onChange={(e) => setClientId(Number(e.target.value))} required>
            {options.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Field label="Amount">
        {(p) => (
          <Input
            {...p}
            placeholder="120.50"
            inputMode="decimal"
            pattern="\d+(\.\d{1,3})?"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            required
          />
        )}
      </Field>
      <Field label="Currency">
        {(p) => <Input {...p} value={cur} maxLength={3} onChange={(e) => setCur(e.target.value.toUpperCase())} required />}
      </Field>
      <Field label="Due date">{(p) => <Input {...p} type="date" value={dueOn} onChange={(e) => setDueOn(e.target.value)} />}</Field>
      <Button type="submit">Create invoice</Button>
    </form>
  );
}

function Filters() {
  const filter = useFuse((s: S) => s.finance.filter);
  const setFilter = useFuse((s: S) => s.finance.setFilter);
  return (
    <ListFilters
      statuses={INVOICE_STATUSES}
      status={filter.status}
      statusLabel="Filter invoices by status"
      onStatus={(status) => void setFilter({ status })}
      query={filter.q}
      searchLabel="Search invoice numbers"
      placeholder="Invoice number"
      onSearch={(q) => void setFilter({ q })}
    />
  );
}

const INVOICE_TONE: Record<InvoiceStatus, BadgeTone> = { draft: 'neutral', sent: 'info', paid: 'success', overdue: 'danger' };

type InvoiceAct = FinanceStoreState['finance']['act'];

// A row holds no hooks of its own (the list draws 50 on the server per request): the table passes `act`.
const InvoiceRow = memo(function InvoiceRow({ invoice, editable, act }: { invoice: InvoiceView; editable: boolean; act: InvoiceAct }) {
  return (
    <TableRow data-invoice-id={invoice.id}>
      <TableRowHead className="tabular-nums">{invoice.number}</TableRowHead>
      <TableCell label="Client">{invoice.clientName}</TableCell>
      <TableCell label="Amount" className="num text-right tabular-nums">
        {formatMoney(invoice.amountCents, invoice.currency)}
      </TableCell>
      <TableCell label="Status">
        <Badge tone={INVOICE_TONE[invoice.status]}>{invoice.status}</Badge>
      </TableCell>
      <TableCell label="Issued" className="tabular-nums text-muted-foreground">
        {invoice.issuedOn}
      </TableCell>
      <TableCell label="Due" className="tabular-nums text-muted-foreground">
        {invoice.dueOn}
      </TableCell>
      <TableCell className="row-actions">
        {editable && invoice.status === 'draft' ? (
          <Button variant="ghost" size="sm" onClick={() => void act(invoice.id, 'send')}>
            Send
          </Button>
        ) : null}
        {editable && (invoice.status === 'sent' || invoice.status === 'overdue') ? (
          <Button variant="ghost" size="sm" onClick={() => void act(invoice.id, 'markPaid')}>
            Mark paid
          </Button>
        ) : null}
      </TableCell>
    </TableRow>
  );
});

function InvoiceTable({ firstRows }: { firstRows?: number }) {
  const all = useFuse((s: S) => s.finance.items);
  const items = firstRows ? all.slice(0, firstRows) : all;
  const rank = useFuse((s: S) => s.session.rank);
  const editable = can(rank, 'finance.edit');
  const act = useFuse((s: S) => s.finance.act);
  return (
    <Table
      label="Invoices"
      columns={['Number', 'Client', { label: 'Amount', className: 'text-right' }, 'Status', 'Issued', 'Due', { label: 'Actions', hidden: true }]}
      empty={
        items.length === 0 ? (
          <EmptyState icon={FileText} title="No invoices match" description="Invoices you create show here, newest first." />
        ) : null
      }
      className="invoices"
    >
      {items.map((invoice) => (
        <InvoiceRow key={invoice.id} invoice={invoice} editable={editable} act={act} />
      ))}
    </Table>
  );
}

function LoadMore() {
  const nextCursor = useFuse((s: S) => s.finance.nextCursor);
  const busy = useFuse((s: S) => s.finance.busy);
  const loadMore = useFuse((s: S) => s.finance.loadMore);
  const count = useFuse((s: S) => s.finance.items.length);
  return <LoadMoreBar count={count} more={Boolean(nextCursor)} busy={busy} onMore={() => void loadMore()} />;
}

/** `firstRows`: draw only the first rows (the instant preview shows a screenful; the page brings the rest). */
export function FinanceView({ firstRows }: { firstRows?: number } = {}) {
  const rank = useFuse((s: S) => s.session.rank);
  return (
    <section className="finance">
      <PageHeader title="Finance" description="Invoices, revenue and what is still owed." />
      <SummaryCards />
      <div className="mt-8 mb-3 flex flex-wrap items-center justify-between gap-2">
        <h2>Invoices</h2>
        {can(rank, 'finance.create') ? <NewInvoice /> : null}
      </div>
      <Filters />
      <InvoiceTable firstRows={firstRows} />
      <LoadMore />
      <Toast />
    </section>
  );
}
