import type { OperationsOverview } from '../queries';
import { SCALE_TARGETS } from '../queries';
import { Card, CardContent, CardDescription, CardHeader, CardTitle, StatCard } from '@/fuse/ui/card';
import { BarChart, LineChart } from '@/fuse/ui/chart';
import { PageHeader } from '@/fuse/ui/page-header';
import { Table, TableCell, TableRow, TableRowHead } from '@/fuse/ui/table';

const CHARTED_VITALS: { name: string; unit: string }[] = [
  { name: 'LCP', unit: 'ms' },
  { name: 'INP', unit: 'ms' },
  { name: 'CLS', unit: '' },
  { name: 'FCP', unit: 'ms' },
  { name: 'TTFB', unit: 'ms' },
];

function Target({ id, label, value, target }: { id: string; label: string; value: number; target: number }) {
  const pct = Math.min(100, (value / target) * 100);
  return (
    <Card className="p-4" data-scale={id}>
      <div className="text-sm text-muted-foreground">{label}</div>
      <div className="mt-1 text-2xl font-semibold tabular-nums" data-value={value}>
        {value.toLocaleString('en-US')}
      </div>
      <div className="text-xs text-muted-foreground">
        of {target.toLocaleString('en-US')} ({pct < 1 && value > 0 ? pct.toFixed(2) : Math.round(pct)}%)
      </div>
      <div aria-hidden className="mt-2 h-1.5 rounded-full bg-muted">
        <div className="h-1.5 rounded-full bg-primary" style={{ width: `${pct}%` }} />
      </div>
    </Card>
  );
}

function Panel({ title, description, children }: { title: string; description?: string; children: React.ReactNode }) {
  return (
    <Card className="mt-6">
      <CardHeader>
        <CardTitle>{title}</CardTitle>
        {description ? <CardDescription>{description}</CardDescription> : null}
      </CardHeader>
      <CardContent>{children}</CardContent>
    </Card>
  );
}

const Empty = ({ children }: { children: React.ReactNode }) => <p className="text-sm text-muted-foreground">{children}</p>;

const dollars = (cents: number) => `$${Math.round(cents / 100).toLocaleString('en-US')}`;
const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

const fmtVital = (name: string, v: number) => (name === 'CLS' ? v.toFixed(3) : `${Math.round(v)} ms`);

export function OperationsView({ data }: { data: OperationsOverview }) {
  const pages = [...new Set(data.vitals.map((v) => v.page))];
  const names = [...new Set(data.vitals.map((v) => v.name))].sort();
  return (
    <section>
      <PageHeader title="Operations" description="The platform at a glance: growth, speed and errors." />

      <div className="grid grid-cols-2 gap-3 sm:gap-4 lg:grid-cols-5" role="group" aria-label="scale targets">
        <Target id="users" label="Users" value={data.totals.users} target={SCALE_TARGETS.users} />
        <Target id="paying" label="Paying subscribers" value={data.totals.payingSubscribers} target={SCALE_TARGETS.payingSubscribers} />
        <Target id="joins" label="Joins this month" value={data.totals.joinsThisMonth} target={SCALE_TARGETS.joinsThisMonth} />
        <StatCard label="Open live streams" value={data.liveStreamsOpen} data-ops="live-streams" />
        <StatCard label="Rate-limit rejections" value={data.rateLimited} hint="this instance, since start" data-ops="rate-limited" />
      </div>

      <Panel title="Subscriptions" description="Paid plans from the billing state: MRR, paying subscribers and churn, last 12 months.">
        <div className="grid gap-4 sm:grid-cols-2" aria-label="subscriptions">
          <StatCard
            label="MRR"
            value={<span data-value={data.revenue.mrrCents}>{dollars(data.revenue.mrrCents)}</span>}
            hint="active paid plans"
            data-ops="mrr"
          />
          <StatCard
            label="Canceled this month"
            value={<span data-value={data.revenue.churnedThisMonth}>{data.revenue.churnedThisMonth}</span>}
            hint={`churn ${percent(data.revenue.byMonth.at(-1)?.churnRate ?? 0)}`}
            data-ops="churn"
          />
        </div>
        <div className="mt-6 grid gap-6 lg:grid-cols-2">
          <LineChart
            name="MRR by month, last 12 months"
            format={(v) => `$${Math.round(v).toLocaleString('en-US')}`}
            lines={[{ label: 'MRR ($)', points: data.revenue.byMonth.map((m) => ({ x: m.month.slice(2), y: m.mrrCents / 100 })) }]}
          />
          <LineChart
            name="Paying subscribers by month, last 12 months"
            counts
            format={(v) => Math.round(v).toLocaleString('en-US')}
            lines={[{ label: 'Paying subscribers', points: data.revenue.byMonth.map((m) => ({ x: m.month.slice(2), y: m.paying })) }]}
          />
        </div>
        <Table label="Subscriptions by month" columns={['Month', 'Paying', 'MRR', 'Canceled', 'Churn']} data-table="revenue" className="mt-6">
          {data.revenue.byMonth.map((m) => (
            <TableRow key={m.month} data-revenue-month={m.month} data-paying={m.paying} data-mrr={m.mrrCents} data-churned={m.churned}>
              <TableRowHead>{m.month}</TableRowHead>
              <TableCell label="Paying" className="tabular-nums">
                {m.paying.toLocaleString('en-US')}
              </TableCell>
              <TableCell label="MRR" className="tabular-nums">
                {dollars(m.mrrCents)}
              </TableCell>
              <TableCell label="Canceled" className="tabular-nums">
                {m.churned}
              </TableCell>
              <TableCell label="Churn" className="tabular-nums">
                {percent(m.churnRate)}
              </TableCell>
            </TableRow>
          ))}
        </Table>
      </Panel>

      <Panel title="Joins per month" description="Sign-ups, last 12 months.">
        <BarChart
          name="Joins per month, last 12 months"
          counts
          data={data.joinsByMonth.map((m) => ({ key: m.month, label: m.month.slice(2), value: m.joins }))}
        />
      </Panel>

      <Panel title="Web vitals (p75, last 30 days)" description="Measured in visitors' browsers; samples in brackets.">
        {data.vitals.length === 0 ? (
          <Empty>No measurements yet.</Empty>
        ) : (
          <>
            <Table label="Web vitals per page" columns={['Page', ...names]} data-table="vitals">
              {pages.map((page) => (
                <TableRow key={page}>
                  <TableRowHead>{page}</TableRowHead>
                  {names.map((n) => {
                    const v = data.vitals.find((x) => x.page === page && x.name === n);
                    return (
                      <TableCell key={n} label={n} className="tabular-nums" data-vital-page={page} data-vital-name={n} data-samples={v?.samples ?? 0}>
                        {v ? `${fmtVital(n, v.p75)} (${v.samples})` : '–'}
                      </TableCell>
                    );
                  })}
                </TableRow>
              ))}
            </Table>
            <div className="mt-4 grid gap-6 lg:grid-cols-2">
              {CHARTED_VITALS.map(({ name, unit }) => {
                const lines = data.vitalSeries
                  .filter((s) => s.name === name)
                  .map((s) => ({ label: s.page, points: s.points.map((p) => ({ x: p.day, y: p.p75 })) }));
                if (lines.length === 0) return null;
                return (
                  <div key={name} className="min-w-0">
                    <h3 className="mb-2">{name} p75 per day</h3>
                    <LineChart
                      name={`${name} p75 per page per day`}
                      format={(v) => (unit === '' ? String(Number(v.toPrecision(2))) : `${Math.round(v)}${unit}`)}
                      lines={lines}
                    />
                  </div>
                );
              })}
            </div>
          </>
        )}
      </Panel>

      <Panel title="Slowest queries" description="This instance, since start.">
        {data.slowestQueries.length === 0 ? (
          <Empty>No queries timed yet.</Empty>
        ) : (
          <Table
            label="Slowest queries"
            columns={[
              'Query',
              { label: 'Slowest', className: 'text-right' },
              { label: 'Average', className: 'text-right' },
              { label: 'Calls', className: 'text-right' },
              { label: 'Slow', className: 'text-right' },
              { label: 'Failed', className: 'text-right' },
            ]}
            data-table="slow-queries"
          >
            {data.slowestQueries.map((q) => (
              <TableRow key={q.name} data-query={q.name} className="tabular-nums">
                <TableRowHead>{q.name}</TableRowHead>
                <TableCell label="Slowest" className="text-right">
                  {Math.round(q.maxMs)} ms
                </TableCell>
                <TableCell label="Average" className="text-right">
                  {Math.round(q.totalMs / Math.max(1, q.calls))} ms
                </TableCell>
                <TableCell label="Calls" className="text-right">
                  {q.calls}
                </TableCell>
                <TableCell label="Slow" className="text-right">
                  {q.slow}
                </TableCell>
                <TableCell label="Failed" className="text-right">
                  {q.failed}
                </TableCell>
              </TableRow>
            ))}
          </Table>
        )}
      </Panel>

      <Panel title="Recent errors">
        {data.recentErrors.length === 0 ? (
          <Empty>No errors recorded.</Empty>
        ) : (
          <Table label="Recent errors" columns={['Error', 'Where', { label: 'Count', className: 'text-right' }, 'Last seen']} data-table="errors">
            {data.recentErrors.map((e) => (
              <TableRow key={e.fingerprint} data-fingerprint={e.fingerprint} data-count={e.count}>
                <TableRowHead className="max-w-md whitespace-normal">
                  <strong>{e.name}</strong>: {e.message}
                  <div className="text-xs text-muted-foreground">{e.source}</div>
                </TableRowHead>
                <TableCell label="Where">{e.path ?? '–'}</TableCell>
                <TableCell label="Count" className="text-right tabular-nums">
                  {e.count}
                </TableCell>
                <TableCell label="Last seen">
                  <time dateTime={e.lastSeen}>{e.lastSeen.replace('T', ' ').slice(0, 19)} UTC</time>
                </TableCell>
              </TableRow>
            ))}
          </Table>
        )}
      </Panel>
    </section>
  );
}
