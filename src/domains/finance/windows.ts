import 'server-only';
import { Cron } from 'croner';
import { sql } from 'drizzle-orm';
import type { Database } from '@/fuse/db/client';
import { timed } from '@/fuse/db/timed';
import { logger } from '@/fuse/observability/logger';
import { processSingleton } from '@/fuse/singleton';

/*
 * Revenue windows: each business's paid revenue per client over the 12 months the finance summary
 * shows (drizzle/0007 keeps every built window current on each invoice change). A window is built
 * once per month; the largest scale-target business takes ≈ 0.4 s. Built lazily, that lands on the first
 * summary of the month; `prepareRevenueWindows` builds next month's window in the last days of the
 * month instead, so no page view pays for it, and drops windows that have moved out of use.
 */

/**
 * Builds a business's per-client revenue for the 12-month window starting at `firstMonth`. Built for
 * today (`dropOlder`), it drops the business's older windows, out of use from now on; built ahead
 * for next month, it keeps the one in use. The advisory lock
 * waits for the business's writers of paid invoices in flight and holds back new ones until commit,
 * so the aggregate below, read after the lock, and the trigger's later updates together count every
 * invoice exactly once. Returns false when the window was already there (built concurrently).
 */
export async function buildRevenueWindow(db: Database, businessId: string, firstMonth: string, { dropOlder = true } = {}): Promise<boolean> {
  return timed('finance.buildRevenueWindow', () =>
    db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(finance_window_lock_key(${businessId}::uuid))`);
      const created = await tx.execute(
        sql`insert into finance_revenue_windows (business_id, first_month) values (${businessId}, ${firstMonth}::date) on conflict do nothing returning 1 as created`,
      );
      if (created.rows.length === 0) return false;
      if (dropOlder)
        await tx.execute(sql`delete from finance_revenue_windows where business_id = ${businessId} and first_month < ${firstMonth}::date`);
      await tx.execute(sql`
        insert into finance_client_revenue (business_id, first_month, currency, client_id, cents, invoices)
        select business_id, ${firstMonth}::date, currency, client_id, sum(amount_cents)::bigint, count(*)::int
        from invoices
        where business_id = ${businessId} and status = 'paid'
          and paid_on >= ${firstMonth}::date and paid_on < ${firstMonth}::date + interval '12 months'
        group by business_id, currency, client_id`);
      return true;
    }),
  );
}

export type PrepareResult = { built: number; dropped: number; businesses: string[] };

/**
 * For every business with paid revenue whose own month (in its time zone) ends within
 * `horizonDays` of `asOf` (0: it is the month's last day there), builds the window the summary will need from the 1st, and drops every
 * window older than the one in use today. Safe on every instance at once: per business the first
 * build wins, a later one finds the window and stops.
 */
export async function prepareRevenueWindows(
  db: Database,
  options: { asOf?: Date; horizonDays?: number; limit?: number } = {},
): Promise<PrepareResult> {
  const asOf = (options.asOf ?? new Date()).toISOString();
  const horizonDays = options.horizonDays ?? 3;
  const limit = options.limit ?? 10_000;
  const dropped = await timed('finance.dropOldWindows', () =>
    db.execute(sql`
      delete from finance_revenue_windows w using businesses b
      where w.business_id = b.id
        and w.first_month < (date_trunc('month', (${asOf}::timestamptz at time zone b.timezone)::date) - interval '11 months')::date`),
  );
  const due = await timed('finance.windowsDue', () =>
    db.execute<{ business_id: string; first_month: string }>(sql`
      select b.id as business_id, n.first_month::text as first_month
      from businesses b
      cross join lateral (select (${asOf}::timestamptz at time zone b.timezone)::date as today) t
      cross join lateral (select (date_trunc('month', t.today) - interval '10 months')::date as first_month) n
      where (date_trunc('month', t.today) + interval '1 month')::date - t.today <= ${horizonDays}::int + 1
        and exists (select 1 from finance_paid_days p where p.business_id = b.id)
        and not exists (select 1 from finance_revenue_windows w where w.business_id = b.id and w.first_month = n.first_month)
      order by b.id
      limit ${limit}`),
  );
  const built: string[] = [];
  for (const row of due.rows) {
    if (await buildRevenueWindow(db, row.business_id, row.first_month, { dropOlder: false })) built.push(row.business_id);
  }
  return { built: built.length, dropped: dropped.rowCount ?? 0, businesses: built };
}

/** One round, logged: what the hourly schedule and GET /api/cron/finance-windows run. */
export async function runRevenueWindowJob(db: Database): Promise<PrepareResult> {
  const result = await prepareRevenueWindows(db);
  if (result.built || result.dropped) logger.info({ built: result.built, dropped: result.dropped }, 'finance: revenue windows prepared');
  return result;
}

const globalForJob = processSingleton('revenueWindowJob', (): { fuseRevenueWindowJob?: Cron } => ({}));

/**
 * Prepares windows hourly: months end at a different hour in every time zone, and three days of
 * horizon leave room for missed runs. `protect`: a run still going when the next is due is not doubled.
 */
export function startRevenueWindowJob(getDb: () => Database): void {
  if (globalForJob.fuseRevenueWindowJob) return;
  globalForJob.fuseRevenueWindowJob = new Cron('7 * * * *', { name: 'fuse-finance-windows', protect: true, unref: true }, async () => {
    try {
      await runRevenueWindowJob(getDb());
    } catch (err) {
      logger.error({ err }, 'finance: preparing revenue windows failed');
    }
  });
}
