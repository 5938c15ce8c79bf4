import 'server-only';
import { and, desc, eq, ilike, lt, sql, type SQL } from 'drizzle-orm';
import { assertCan } from '@/fuse/auth/permissions';
import type { Database } from '@/fuse/db/client';
import { decodeCursor, encodeCursor } from '@/fuse/db/cursor';
import { timed } from '@/fuse/db/timed';
import { NotFoundError, ValidationError } from '@/fuse/http/errors';
import { cursorKey } from '@/fuse/session/secrets';
import type { Session } from '@/fuse/session/token';
import { clients } from '@/domains/clients';
import { invoices } from './schema';
import type { InvoiceStatus } from './statuses';
import type { FinanceInitial } from './slice';
import { invoiceListParams, summaryParams, type InvoiceListParams } from './validators';
import { buildRevenueWindow } from './windows';

/** The slice of a session a query needs. It always comes from the verified server session. */
export type Scope = Pick<Session, 'businessId' | 'rank' | 'userId'>;

export type InvoiceView = {
  id: number;
  clientId: number;
  clientName: string;
  number: string;
  amountCents: number;
  currency: string;
  /** What the customer sees: a sent invoice past its due date is overdue. */
  status: InvoiceStatus;
  issuedOn: string;
  dueOn: string;
  paidOn: string | null;
  createdAt: string;
  updatedAt: string;
};

export type InvoicePage = { items: InvoiceView[]; nextCursor: string | null };

export type FinanceSummary = {
  currency: string;
  /** Every currency this business invoiced in (last 12 months' payments, or still unpaid). */
  currencies: string[];
  today: string;
  revenueThisMonthCents: number;
  /** Twelve calendar months, oldest first, the last one being this month (business time zone). */
  revenueByMonth: { month: string; cents: number }[];
  outstandingCents: number;
  outstandingCount: number;
  overdueCents: number;
  overdueCount: number;
  topClients: { clientId: number; name: string; company: string | null; cents: number }[];
};

/** Today in the business's time zone: an invoice due today is not overdue until the business's midnight. */
export function businessToday(businessId: string): SQL {
  return sql`(select (now() at time zone b.timezone)::date from businesses b where b.id = ${businessId})`;
}

function effectiveStatus(businessId: string): SQL<InvoiceStatus> {
  return sql<InvoiceStatus>`case when ${invoices.status} = 'sent' and ${invoices.dueOn} < ${businessToday(businessId)} then 'overdue' else ${invoices.status} end`;
}

export function invoiceColumns(businessId: string) {
  return {
    id: invoices.id,
    clientId: invoices.clientId,
    clientName: sql<string>`coalesce(trim(${clients.firstName} || ' ' || ${clients.lastName}), '')`,
    number: invoices.number,
    amountCents: invoices.amountCents,
    currency: invoices.currency,
    status: effectiveStatus(businessId),
    issuedOn: invoices.issuedOn,
    dueOn: invoices.dueOn,
    paidOn: invoices.paidOn,
    createdAt: invoices.createdAt,
    updatedAt: invoices.updatedAt,
  };
}

type InvoiceRow = {
  id: number;
  clientId: number;
  clientName: string;
  number: string;
  amountCents: number;
  currency: string;
  status: InvoiceStatus;
  issuedOn: string;
  dueOn: string;
  paidOn: string | null;
  createdAt: Date | string;
  updatedAt: Date | string;
};

function iso(v: Date | string): string {
  return v instanceof Date ? v.toISOString() : new Date(v).toISOString();
}

export function toInvoiceView(row: InvoiceRow): InvoiceView {
  return { ...row, amountCents: Number(row.amountCents), createdAt: iso(row.createdAt), updatedAt: iso(row.updatedAt) };
}

function joinClient(businessId: string) {
  return and(eq(clients.businessId, businessId), eq(clients.id, invoices.clientId));
}

/** One page of a business's invoices, newest first, by keyset; filters by status, client and number. */
export async function listInvoices(db: Database, scope: Scope, raw: InvoiceListParams = {}): Promise<InvoicePage> {
  assertCan(scope, 'finance.read');
  const parsed = invoiceListParams.safeParse(raw);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  const { status, clientId, q, cursor, limit } = parsed.data;
  const cursorContext = { businessId: scope.businessId, filter: `inv\u0000${status ?? ''}\u0000${clientId ?? ''}\u0000${q ?? ''}` };
  const afterId = cursor ? decodeCursor(cursor, cursorContext, cursorKey()) : null;

  const where: (SQL | undefined)[] = [eq(invoices.businessId, scope.businessId)];
  const today = businessToday(scope.businessId);
  if (status === 'overdue') where.push(sql`(${invoices.status} = 'overdue' or (${invoices.status} = 'sent' and ${invoices.dueOn} < ${today}))`);
  else if (status === 'sent') where.push(sql`(${invoices.status} = 'sent' and ${invoices.dueOn} >= ${today})`);
  else if (status) where.push(eq(invoices.status, status));
  if (clientId) where.push(eq(invoices.clientId, clientId));
  if (q) where.push(ilike(invoices.number, `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`));
  if (afterId !== null) where.push(lt(invoices.id, afterId));

  const rows = await timed('finance.listInvoices', () =>
    db
      .select(invoiceColumns(scope.businessId))
      .from(invoices)
      .leftJoin(clients, joinClient(scope.businessId))
      .where(and(...where))
      .orderBy(desc(invoices.id))
      .limit(limit + 1),
  );
  const items = rows.slice(0, limit).map(toInvoiceView);
  const last = items[items.length - 1];
  const nextCursor = rows.length > limit && last ? encodeCursor(last.id, cursorContext, cursorKey()) : null;
  return { items, nextCursor };
}

/** An invoice of this business; another business's invoice is "not found", exactly like a missing one. */
export async function getInvoice(db: Database, scope: Scope, id: number): Promise<InvoiceView> {
  assertCan(scope, 'finance.read');
  const [row] = await timed('finance.getInvoice', () =>
    db
      .select(invoiceColumns(scope.businessId))
      .from(invoices)
      .leftJoin(clients, joinClient(scope.businessId))
      .where(and(eq(invoices.businessId, scope.businessId), eq(invoices.id, id)))
      .limit(1),
  );
  if (!row) throw new NotFoundError('Invoice not found.');
  return toInvoiceView(row);
}

type SummaryRow = {
  currency: string;
  today: string;
  first_month: string;
  window_ready: boolean;
  series: { month: string; cents: number }[] | null;
  top_clients: { clientId: number; name: string; company: string | null; cents: number }[] | null;
  currencies: string[] | null;
  outstanding_cents: string | number;
  outstanding_count: number;
  overdue_cents: string | number;
  overdue_count: number;
};

const TOP_CLIENTS = 5;

/**
 * The finance page's numbers in ONE query: revenue this month and for each of the last 12 months,
 * outstanding and overdue totals, and the top clients by revenue — in one currency (the one asked
 * for, else the business's largest). It reads the running totals the invoices trigger keeps
 * (schema.ts, migration 0007), never a year of invoices: paid cents by day, unpaid cents by due
 * day (overdue = due before today or marked overdue, decided here against today), and revenue per
 * client over the current 12-month window. Months and "today" follow the business's time zone.
 *
 * The window's per-client totals run to the end of this month, so invoices marked paid on a later
 * day of this month (a few, read from the paid-invoices index) are taken back out of their clients;
 * the top list reads that many extra rows so the result stays exact. Once a month (the window
 * moves) the first summary builds the new window, then reads again.
 */
export async function financeSummary(db: Database, scope: Scope, raw: { currency?: string } = {}): Promise<FinanceSummary> {
  assertCan(scope, 'finance.read');
  const parsed = summaryParams.safeParse(raw);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  const bid = scope.businessId;
  const wanted = parsed.data.currency ?? null;
  let row = await readSummary(db, bid, wanted);
  if (!row || !row.today) throw new NotFoundError('Business not found.');
  if (!row.window_ready) {
    await buildRevenueWindow(db, bid, row.first_month);
    row = (await readSummary(db, bid, wanted))!;
  }
  const series = (row.series ?? []).map((s) => ({ month: s.month, cents: Number(s.cents) }));
  return {
    currency: row.currency,
    currencies: row.currencies ?? [],
    today: row.today,
    revenueThisMonthCents: series[series.length - 1]?.cents ?? 0,
    revenueByMonth: series,
    outstandingCents: Number(row.outstanding_cents),
    outstandingCount: Number(row.outstanding_count),
    overdueCents: Number(row.overdue_cents),
    overdueCount: Number(row.overdue_count),
    topClients: (row.top_clients ?? []).map((t) => ({ ...t, cents: Number(t.cents) })),
  };
}

async function readSummary(db: Database, bid: string, wanted: string | null): Promise<SummaryRow | undefined> {
  const result = await timed('finance.summary', () =>
    db.execute<SummaryRow>(sql`
      with bounds as (
        select today, date_trunc('month', today)::date as this_month,
               (date_trunc('month', today) - interval '11 months')::date as first_month,
               (date_trunc('month', today) + interval '1 month')::date as next_month
        from (select (now() at time zone timezone)::date as today from businesses where id = ${bid}) b
      ),
      paid_by_month as materialized (
        select date_trunc('month', p.paid_on)::date as month, p.currency, sum(p.cents)::bigint as cents
        from finance_paid_days p, bounds b
        where p.business_id = ${bid} and p.paid_on >= b.first_month and p.paid_on <= b.today
        group by 1, 2
      ),
      unpaid as materialized (
        select u.currency, sum(u.cents)::bigint as cents, sum(u.invoices)::int as n,
               sum(case when u.due_on < b.today then u.cents else u.marked_overdue_cents end)::bigint as overdue_cents,
               sum(case when u.due_on < b.today then u.invoices else u.marked_overdue_invoices end)::int as overdue_n
        from finance_unpaid_days u, bounds b
        where u.business_id = ${bid}
        group by u.currency
      ),
      chosen as (
        select coalesce(${wanted}::text, (
          select currency from (
            select currency, cents from paid_by_month union all select currency, cents from unpaid
          ) x group by currency order by sum(cents) desc, currency limit 1
        ), 'USD') as currency
      ),
      series as (
        select m::date as month, coalesce(p.cents, 0)::bigint as cents
        from bounds b
        cross join generate_series(b.first_month, b.this_month, interval '1 month') m
        left join paid_by_month p on p.month = m::date and p.currency = (select currency from chosen)
      ),
      paid_later_this_month as materialized (
        select i.client_id, sum(i.amount_cents)::bigint as cents, count(*)::int as n
        from invoices i, bounds b
        where i.business_id = ${bid} and i.status = 'paid' and i.paid_on > b.today and i.paid_on < b.next_month
          and i.currency = (select currency from chosen)
        group by i.client_id
      ),
      candidates as (
        -- The first rows of the window in the summary's order, straight off its index (scalar
        -- subqueries, not joins, keep that order visible to the planner). Taking back the later
        -- payments only lowers a client, so with as many extra rows as such clients the top five
        -- are among these: a client further down already had five unaffected clients above it.
        select r.client_id, r.cents, r.invoices
        from finance_client_revenue r
        where r.business_id = ${bid} and r.first_month = (select first_month from bounds) and r.currency = (select currency from chosen)
        order by r.cents desc nulls last, r.client_id
        limit ${TOP_CLIENTS} + (select count(*) from paid_later_this_month)
      ),
      top as (
        select c.client_id, (c.cents - coalesce(l.cents, 0))::bigint as cents
        from candidates c left join paid_later_this_month l on l.client_id = c.client_id
        where c.invoices > coalesce(l.n, 0)
        order by 2 desc, 1 limit ${TOP_CLIENTS}
      )
      select
        (select currency from chosen) as currency,
        (select today from bounds)::text as today,
        (select first_month from bounds)::text as first_month,
        exists (select 1 from finance_revenue_windows w, bounds b where w.business_id = ${bid} and w.first_month = b.first_month) as window_ready,
        (select json_agg(json_build_object('month', to_char(month, 'YYYY-MM'), 'cents', cents) order by month) from series) as series,
        (select json_agg(json_build_object(
            'clientId', t.client_id,
            'name', coalesce(trim(c.first_name || ' ' || c.last_name), ''),
            'company', c.company,
            'cents', t.cents) order by t.cents desc, t.client_id)
          from top t left join clients c on c.business_id = ${bid} and c.id = t.client_id) as top_clients,
        (select json_agg(currency order by currency) from (select currency from paid_by_month union select currency from unpaid) x) as currencies,
        coalesce((select cents from unpaid where currency = (select currency from chosen)), 0) as outstanding_cents,
        coalesce((select n from unpaid where currency = (select currency from chosen)), 0) as outstanding_count,
        coalesce((select overdue_cents from unpaid where currency = (select currency from chosen)), 0) as overdue_cents,
        coalesce((select overdue_n from unpaid where currency = (select currency from chosen)), 0) as overdue_count
    `),
  );
  return result.rows[0];
}

/** Clients to pick from when creating an invoice: a small, named list read through finance's own join. */
export async function listInvoiceableClients(db: Database, scope: Scope, limit = 200): Promise<{ id: number; name: string }[]> {
  assertCan(scope, 'finance.read');
  const rows = await timed('finance.invoiceableClients', () =>
    db
      .select({ id: clients.id, name: sql<string>`trim(${clients.firstName} || ' ' || ${clients.lastName})` })
      .from(clients)
      .where(and(eq(clients.businessId, scope.businessId), sql`${clients.status} <> 'archived'`))
      .orderBy(desc(clients.id))
      .limit(limit),
  );
  return rows;
}

/** The finance slice a page (or the idle preloader) starts from: summary, first page, client picker. */
export async function loadFinanceSlice(db: Database, scope: Scope, params: InvoiceListParams & { currency?: string } = {}): Promise<FinanceInitial> {
  const { currency, ...listParams } = params;
  const summary = await financeSummary(db, scope, { currency });
  const page = await listInvoices(db, scope, listParams);
  const clientOptions = await listInvoiceableClients(db, scope);
  return { summary, invoices: page, filter: { status: 'all', q: '' }, clientOptions };
}
