import 'server-only';
import { sql } from 'drizzle-orm';
import { PLANS } from '@/domains/billing';
import { can } from '@/fuse/auth/permissions';
import type { Database } from '@/fuse/db/client';
import { timed } from '@/fuse/db/timed';
import { NotFoundError } from '@/fuse/http/errors';
import { liveStreamsOpen, metricTotal, rateLimitedTotal, slowestQueries, type QueryStat } from '@/fuse/observability/metrics';
import type { Session } from '@/fuse/session/token';

/**
 * The admiral's operations page: the scale targets (100K users, 10K paying subscribers, 1K joins a
 * month), web vitals, slow queries, errors and live load. Platform-wide data, so only the admiral
 * rank may read it; anyone else gets "not found" (the page's existence is not revealed).
 */
export type Scope = Pick<Session, 'rank' | 'userId'>;

export const SCALE_TARGETS = { users: 100_000, payingSubscribers: 10_000, joinsThisMonth: 1_000 } as const;

export type VitalSeries = { page: string; name: string; points: { day: string; p75: number; samples: number }[] };
export type VitalSummary = { page: string; name: string; p75: number; samples: number };
export type RecentError = {
  fingerprint: string;
  source: string;
  name: string;
  message: string;
  path: string | null;
  count: number;
  firstSeen: string;
  lastSeen: string;
};

/** One month of subscription history: paying subscribers and MRR at its end, cancellations during it. */
export type RevenueMonth = { month: string; paying: number; mrrCents: number; churned: number; churnRate: number };

export type OperationsOverview = {
  totals: { users: number; payingSubscribers: number; joinsThisMonth: number };
  /** From the subscriptions as billing keeps them: now, and by month. */
  revenue: { mrrCents: number; churnedThisMonth: number; byMonth: RevenueMonth[] };
  joinsByMonth: { month: string; joins: number }[];
  vitals: VitalSummary[];
  vitalSeries: VitalSeries[];
  recentErrors: RecentError[];
  slowestQueries: QueryStat[];
  liveStreamsOpen: number;
  rateLimited: number;
};

export function assertAdmiral(scope: Scope): void {
  // Not a business's page: to anyone else it does not exist.
  if (!can(scope.rank, 'admin.read')) throw new NotFoundError();
}

type Row = Record<string, unknown>;
const rowsOf = (result: { rows: Row[] }) => result.rows;

export async function scaleTotals(db: Database, scope: Scope): Promise<OperationsOverview['totals']> {
  assertAdmiral(scope);
  const [row] = rowsOf(
    await timed('operations.scaleTotals', () =>
      db.execute(sql`
        select
          (select count(*) from users)::int as users,
          (select count(distinct business_id) from subscriptions where plan <> 'free' and status = 'active')::int as paying,
          (select count(*) from users where created_at >= date_trunc('month', now()))::int as joins`),
    ),
  );
  return { users: Number(row!.users), payingSubscribers: Number(row!.paying), joinsThisMonth: Number(row!.joins) };
}

/** A paid plan's monthly price in SQL, from the plans table (src/domains/billing/plans.ts). */
const monthlyCents = (plan: ReturnType<typeof sql.raw>) =>
  sql`case ${plan} ${sql.join(
    // Constants of the plans table, never input: inlined, so the sum stays an integer sum.
    Object.entries(PLANS).map(([name, p]) => sql.raw(`when '${name}' then ${Math.trunc(p.monthlyCents)}`)),
    sql` `,
  )} else 0 end`;

/**
 * MRR (the monthly price of every active paid subscription), and by month for the last twelve:
 * subscribers paying at the month's end (paid since before it, not canceled by then) with their MRR,
 * and the cancellations during it (churn rate: of those paying when it began).
 */
export async function revenue(db: Database, scope: Scope): Promise<OperationsOverview['revenue']> {
  assertAdmiral(scope);
  const price = monthlyCents(sql.raw('s.plan'));
  const [now, months] = await timed('operations.revenue', async () => {
    const a = await db.execute(sql`
      select coalesce(sum(${price}) filter (where s.plan <> 'free' and s.status = 'active'), 0)::bigint as mrr,
             count(*) filter (where s.canceled_at >= date_trunc('month', now()))::int as churned
      from subscriptions s`);
    const b = await db.execute(sql`
      with m as (
        select m as start, least(m + interval '1 month', now()) as stop
        from generate_series(date_trunc('month', now()) - interval '11 months', date_trunc('month', now()), interval '1 month') as m
      )
      select to_char(m.start, 'YYYY-MM') as month,
             count(s.business_id) filter (where s.paid_since < m.stop and (s.canceled_at is null or s.canceled_at >= m.stop))::int as paying,
             coalesce(sum(${price}) filter (where s.paid_since < m.stop and (s.canceled_at is null or s.canceled_at >= m.stop)), 0)::bigint as mrr,
             count(s.business_id) filter (where s.canceled_at >= m.start and s.canceled_at < m.stop)::int as churned,
             count(s.business_id) filter (where s.paid_since < m.start and (s.canceled_at is null or s.canceled_at >= m.start))::int as paying_at_start
      from m left join subscriptions s on s.plan <> 'free' and s.paid_since is not null
      group by m.start order by m.start`);
    return [rowsOf(a)[0]!, rowsOf(b)] as const;
  });
  return {
    mrrCents: Number(now.mrr),
    churnedThisMonth: Number(now.churned),
    byMonth: months.map((r) => {
      const atStart = Number(r.paying_at_start);
      return {
        month: String(r.month),
        paying: Number(r.paying),
        mrrCents: Number(r.mrr),
        churned: Number(r.churned),
        churnRate: atStart > 0 ? Number(r.churned) / atStart : 0,
      };
    }),
  };
}

/** Sign-ups per calendar month, the current month and the eleven before it (empty months are 0). */
export async function joinsByMonth(db: Database, scope: Scope): Promise<OperationsOverview['joinsByMonth']> {
  assertAdmiral(scope);
  const rows = rowsOf(
    await timed('operations.joinsByMonth', () =>
      db.execute(sql`
        select to_char(m, 'YYYY-MM') as month, count(u.id)::int as joins
        from generate_series(date_trunc('month', now()) - interval '11 months', date_trunc('month', now()), interval '1 month') as m
        left join users u on u.created_at >= m and u.created_at < m + interval '1 month'
        group by m
        order by m`),
    ),
  );
  return rows.map((r) => ({ month: String(r.month), joins: Number(r.joins) }));
}

/** p75 per page and metric over the last 30 days (the twelve busiest pages), and per day. */
export async function webVitalsP75(db: Database, scope: Scope, days = 30): Promise<{ vitals: VitalSummary[]; vitalSeries: VitalSeries[] }> {
  assertAdmiral(scope);
  const since = sql`now() - make_interval(days => ${days})`;
  const [summary, daily] = await timed('operations.webVitalsP75', async () => {
    const top = sql`select page from web_vitals where at >= ${since} group by page order by count(*) desc limit 12`;
    const a = await db.execute(sql`
      select page, name, percentile_cont(0.75) within group (order by value) as p75, count(*)::int as samples
      from web_vitals where at >= ${since} and page in (${top})
      group by page, name order by page, name`);
    const b = await db.execute(sql`
      select page, name, to_char(date_trunc('day', at), 'YYYY-MM-DD') as day,
             percentile_cont(0.75) within group (order by value) as p75, count(*)::int as samples
      from web_vitals where at >= ${since} and page in (${top})
      group by page, name, date_trunc('day', at) order by page, name, date_trunc('day', at)`);
    return [rowsOf(a), rowsOf(b)] as const;
  });
  const vitals = summary.map((r) => ({ page: String(r.page), name: String(r.name), p75: Number(r.p75), samples: Number(r.samples) }));
  const series = new Map<string, VitalSeries>();
  for (const r of daily) {
    const key = `${String(r.page)}\u0000${String(r.name)}`;
    let s = series.get(key);
    if (!s) series.set(key, (s = { page: String(r.page), name: String(r.name), points: [] }));
    s.points.push({ day: String(r.day), p75: Number(r.p75), samples: Number(r.samples) });
  }
  return { vitals, vitalSeries: [...series.values()] };
}

export async function recentErrors(db: Database, scope: Scope, limit = 20): Promise<RecentError[]> {
  assertAdmiral(scope);
  const rows = rowsOf(
    await timed('operations.recentErrors', () =>
      db.execute(sql`
        select fingerprint, source, name, message, path, count, first_seen, last_seen
        from error_groups order by last_seen desc limit ${limit}`),
    ),
  );
  return rows.map((r) => ({
    fingerprint: String(r.fingerprint),
    source: String(r.source),
    name: String(r.name),
    message: String(r.message),
    path: r.path == null ? null : String(r.path),
    count: Number(r.count),
    firstSeen: new Date(r.first_seen as string).toISOString(),
    lastSeen: new Date(r.last_seen as string).toISOString(),
  }));
}

/** Everything the operations page shows, read in parallel (admiral only). */
export async function operationsOverview(db: Database, scope: Scope): Promise<OperationsOverview> {
  assertAdmiral(scope);
  const [totals, money, joins, vitals, errors, streams, rateLimited] = await Promise.all([
    scaleTotals(db, scope),
    revenue(db, scope),
    joinsByMonth(db, scope),
    webVitalsP75(db, scope),
    recentErrors(db, scope),
    metricTotal(liveStreamsOpen),
    metricTotal(rateLimitedTotal),
  ]);
  return {
    totals,
    revenue: money,
    joinsByMonth: joins,
    vitals: vitals.vitals,
    vitalSeries: vitals.vitalSeries,
    recentErrors: errors,
    slowestQueries: slowestQueries(10),
    liveStreamsOpen: streams,
    rateLimited,
  };
}
