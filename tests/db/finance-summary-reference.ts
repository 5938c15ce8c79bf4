/**
 * The finance summary as it was computed before the running totals (drizzle/0006, 0007): straight
 * from the invoices table. The reference the fast summary is compared with (finance-summary-totals.test.ts).
 */
import { sql } from 'drizzle-orm';
import type { FinanceSummary, Scope } from '@/domains/finance/queries';
import { summaryParams } from '@/domains/finance/validators';
import type { Database } from '@/fuse/db/client';
import { NotFoundError, ValidationError } from '@/fuse/http/errors';

type SummaryRow = {
  currency: string;
  today: string;
  series: { month: string; cents: number }[] | null;
  top_clients: { clientId: number; name: string; company: string | null; cents: number }[] | null;
  currencies: string[] | null;
  outstanding_cents: string | number;
  outstanding_count: number;
  overdue_cents: string | number;
  overdue_count: number;
};

const TOP_CLIENTS = 5;

export async function referenceFinanceSummary(db: Database, scope: Scope, raw: { currency?: string } = {}): Promise<FinanceSummary> {
  const parsed = summaryParams.safeParse(raw);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  const bid = scope.businessId;
  const wanted = parsed.data.currency ?? null;
  const result = await db.execute<SummaryRow>(sql`
      with bounds as (
        select today, date_trunc('month', today)::date as this_month,
               (date_trunc('month', today) - interval '11 months')::date as first_month
        from (select (now() at time zone timezone)::date as today from businesses where id = ${bid}) b
      ),
      paid_by_month as materialized (
        select date_trunc('month', i.paid_on)::date as month, i.currency, sum(i.amount_cents)::bigint as cents
        from invoices i, bounds b
        where i.business_id = ${bid} and i.status = 'paid' and i.paid_on >= b.first_month and i.paid_on <= b.today
        group by 1, 2
      ),
      unpaid as materialized (
        select i.currency, sum(i.amount_cents)::bigint as cents, count(*)::int as n,
               coalesce(sum(i.amount_cents) filter (where i.status = 'overdue' or i.due_on < b.today), 0)::bigint as overdue_cents,
               (count(*) filter (where i.status = 'overdue' or i.due_on < b.today))::int as overdue_n
        from invoices i, bounds b
        where i.business_id = ${bid} and i.status in ('sent', 'overdue')
        group by i.currency
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
      top as (
        select i.client_id, sum(i.amount_cents)::bigint as cents
        from invoices i, bounds b
        where i.business_id = ${bid} and i.status = 'paid' and i.paid_on >= b.first_month and i.paid_on <= b.today
          and i.currency = (select currency from chosen)
        group by i.client_id order by cents desc, i.client_id limit ${TOP_CLIENTS}
      )
      select
        (select currency from chosen) as currency,
        (select today from bounds)::text as today,
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
    `);
  const row = result.rows[0];
  if (!row || !row.today) throw new NotFoundError('Business not found.');
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
