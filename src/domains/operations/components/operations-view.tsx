import type { OperationsOverview } from '../queries';
import { SCALE_TARGETS } from '../queries';
import { BarChart, LineChart } from './charts';

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
    <div className="card" data-scale={id}>
      <div className="muted">{label}</div>
      <div className="n" data-value={value}>
        {value.toLocaleString('en-US')}
      </div>
      <div className="muted">
        of {target.toLocaleString('en-US')} ({pct < 1 && value > 0 ? pct.toFixed(2) : Math.round(pct)}%)
      </div>
      <div aria-hidden style={{ height: 6, background: 'rgba(127,127,127,0.2)', borderRadius: 3 }}>
        <div style={{ width: `${pct}%`, height: 6, background: '#2563eb', borderRadius: 3 }} />
      </div>
    </div>
  );
}

const dollars = (cents: number) => `$${Math.round(cents / 100).toLocaleString('en-US')}`;
const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

const fmtVital = (name: string, v: number) => (name === 'CLS' ? v.toFixed(3) : `${Math.round(v)} ms`);

export function OperationsView({ data }: { data: OperationsOverview }) {
  const pages = [...new Set(data.vitals.map((v) => v.page))];
  const names = [...new Set(data.vitals.map((v) => v.name))].sort();
  return (
    <section>
      <h1>Operations</h1>

      <div className="cards" aria-label="scale targets">
        <Target id="users" label="Users" value={data.totals.users} target={SCALE_TARGETS.users} />
        <Target id="paying" label="Paying subscribers" value={data.totals.payingSubscribers} target={SCALE_TARGETS.payingSubscribers} />
        <Target id="joins" label="Joins this month" value={data.totals.joinsThisMonth} target={SCALE_TARGETS.joinsThisMonth} />
        <div className="card" data-ops="live-streams">
          <div className="muted">Open live streams</div>
          <div className="n">{data.liveStreamsOpen}</div>
        </div>
        <div className="card" data-ops="rate-limited">
          <div className="muted">Rate-limit rejections</div>
          <div className="n">{data.rateLimited}</div>
          <div className="muted">this instance, since start</div>
        </div>
      </div>

      <h2>Subscriptions</h2>
      <div className="cards" aria-label="subscriptions">
        <div className="card" data-ops="mrr">
          <div className="muted">MRR</div>
          <div className="n" data-value={data.revenue.mrrCents}>
            {dollars(data.revenue.mrrCents)}
          </div>
          <div className="muted">active paid plans</div>
        </div>
        <div className="card" data-ops="churn">
          <div className="muted">Canceled this month</div>
          <div className="n" data-value={data.revenue.churnedThisMonth}>
            {data.revenue.churnedThisMonth}
          </div>
          <div className="muted">churn {percent(data.revenue.byMonth.at(-1)?.churnRate ?? 0)}</div>
        </div>
      </div>
      <LineChart
        label="MRR by month, last 12 months"
        unit=" $"
        lines={[{ label: 'MRR ($)', points: data.revenue.byMonth.map((m) => ({ x: m.month, y: m.mrrCents / 100 })) }]}
      />
      <LineChart
        label="Paying subscribers by month, last 12 months"
        unit=" "
        lines={[{ label: 'Paying subscribers', points: data.revenue.byMonth.map((m) => ({ x: m.month, y: m.paying })) }]}
      />
      <table data-table="revenue">
        <thead>
          <tr>
            <th>Month</th>
            <th>Paying</th>
            <th>MRR</th>
            <th>Canceled</th>
            <th>Churn</th>
          </tr>
        </thead>
        <tbody>
          {data.revenue.byMonth.map((m) => (
            <tr key={m.month} data-revenue-month={m.month} data-paying={m.paying} data-mrr={m.mrrCents} data-churned={m.churned}>
              <td>{m.month}</td>
              <td>{m.paying.toLocaleString('en-US')}</td>
              <td>{dollars(m.mrrCents)}</td>
              <td>{m.churned}</td>
              <td>{percent(m.churnRate)}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>Joins per month</h2>
      <BarChart label="Joins per month, last 12 months" data={data.joinsByMonth.map((m) => ({ label: m.month, value: m.joins }))} />

      <h2>Web vitals (p75, last 30 days)</h2>
      {data.vitals.length === 0 ? (
        <p className="muted">No measurements yet.</p>
      ) : (
        <>
          <table data-table="vitals">
            <thead>
              <tr>
                <th>Page</th>
                {names.map((n) => (
                  <th key={n}>{n}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {pages.map((page) => (
                <tr key={page}>
                  <td>{page}</td>
                  {names.map((n) => {
                    const v = data.vitals.find((x) => x.page === page && x.name === n);
                    return (
                      <td key={n} data-vital-page={page} data-vital-name={n} data-samples={v?.samples ?? 0}>
                        {v ? `${fmtVital(n, v.p75)} (${v.samples})` : '–'}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
          {CHARTED_VITALS.map(({ name, unit }) => {
            const lines = data.vitalSeries
              .filter((s) => s.name === name)
              .map((s) => ({ label: s.page, points: s.points.map((p) => ({ x: p.day, y: p.p75 })) }));
            if (lines.length === 0) return null;
            return (
              <div key={name}>
                <h3>{name} p75 per day</h3>
                <LineChart label={`${name} p75 per page per day`} unit={unit} lines={lines} />
              </div>
            );
          })}
        </>
      )}

      <h2>Slowest queries (this instance, since start)</h2>
      {data.slowestQueries.length === 0 ? (
        <p className="muted">No queries timed yet.</p>
      ) : (
        <table data-table="slow-queries">
          <thead>
            <tr>
              <th>Query</th>
              <th>Slowest</th>
              <th>Average</th>
              <th>Calls</th>
              <th>Slow</th>
              <th>Failed</th>
            </tr>
          </thead>
          <tbody>
            {data.slowestQueries.map((q) => (
              <tr key={q.name} data-query={q.name}>
                <td>{q.name}</td>
                <td>{Math.round(q.maxMs)} ms</td>
                <td>{Math.round(q.totalMs / Math.max(1, q.calls))} ms</td>
                <td>{q.calls}</td>
                <td>{q.slow}</td>
                <td>{q.failed}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>Recent errors</h2>
      {data.recentErrors.length === 0 ? (
        <p className="muted">No errors recorded.</p>
      ) : (
        <table data-table="errors">
          <thead>
            <tr>
              <th>Error</th>
              <th>Where</th>
              <th>Count</th>
              <th>Last seen</th>
            </tr>
          </thead>
          <tbody>
            {data.recentErrors.map((e) => (
              <tr key={e.fingerprint} data-fingerprint={e.fingerprint} data-count={e.count}>
                <td>
                  <strong>{e.name}</strong>: {e.message}
                  <div className="muted">{e.source}</div>
                </td>
                <td>{e.path ?? '–'}</td>
                <td>{e.count}</td>
                <td>
                  <time dateTime={e.lastSeen}>{e.lastSeen.replace('T', ' ').slice(0, 19)} UTC</time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
