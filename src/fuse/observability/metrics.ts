import client, { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { config } from '@/fuse/config';
import { observeQueries } from '@/fuse/db/timed';
import { appRouteTable, OTHER_ROUTE, type RouteKind } from './route-table';
import { processSingleton } from '@/fuse/singleton';

/**
 * The process's Prometheus metrics. One registry per process, kept on globalThis so every bundle
 * that imports this module (route handlers, pages, instrumentation) counts into the same series.
 */
type FuseMetrics = {
  registry: Registry;
  httpRequestDuration: Histogram<'route' | 'method' | 'status'>;
  sessionReadDuration: Histogram<'outcome'>;
  dbQueryDuration: Histogram<'query' | 'ok'>;
  slowQueriesTotal: Counter<'query'>;
  rateLimitedTotal: Counter<'scope'>;
  liveStreamsOpen: Gauge;
  webVitalDuration: Histogram<'name' | 'page'>;
  webVitalCls: Histogram<'page'>;
  errorsTotal: Counter<'source'>;
  browserErrorsSampledOut: Counter;
  /** Per query name since start: the slowest-queries table of the operations page. */
  queryStats: Map<string, QueryStat>;
};

export type QueryStat = { name: string; calls: number; totalMs: number; maxMs: number; slow: number; failed: number; lastSlowAt: number | null };

function create(): FuseMetrics {
  const registry = new Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'fuse_' });
  return {
    registry,
    httpRequestDuration: new Histogram({
      name: 'fuse_http_request_duration_seconds',
      help: 'Route handler and page request duration by route pattern, method and status',
      labelNames: ['route', 'method', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    sessionReadDuration: new Histogram({
      name: 'fuse_session_read_seconds',
      help: 'Time to read and verify the session cookie',
      labelNames: ['outcome'],
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05],
      registers: [registry],
    }),
    dbQueryDuration: new Histogram({
      name: 'fuse_db_query_duration_seconds',
      help: 'Data-layer call duration by query name',
      labelNames: ['query', 'ok'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    slowQueriesTotal: new Counter({
      name: 'fuse_slow_queries_total',
      help: 'Data-layer calls slower than SLOW_QUERY_MS, by query name',
      labelNames: ['query'],
      registers: [registry],
    }),
    rateLimitedTotal: new Counter({
      name: 'fuse_rate_limited_total',
      help: 'Requests rejected by a rate limit (429), by limiter',
      labelNames: ['scope'],
      registers: [registry],
    }),
    liveStreamsOpen: new Gauge({
      name: 'fuse_live_streams_open',
      help: 'Live change streams (server-sent events) currently open on this instance',
      registers: [registry],
    }),
    webVitalDuration: new Histogram({
      name: 'fuse_web_vital_seconds',
      help: 'Web vitals reported by browsers (LCP, INP, FCP, TTFB, custom timings), by page',
      labelNames: ['name', 'page'],
      buckets: [0.05, 0.1, 0.2, 0.5, 0.8, 1, 1.8, 2.5, 4, 6, 10],
      registers: [registry],
    }),
    webVitalCls: new Histogram({
      name: 'fuse_web_vital_cls',
      help: 'Cumulative layout shift reported by browsers, by page',
      labelNames: ['page'],
      buckets: [0.01, 0.05, 0.1, 0.15, 0.25, 0.5, 1],
      registers: [registry],
    }),
    errorsTotal: new Counter({
      name: 'fuse_errors_total',
      help: 'Errors captured, by source (server, browser)',
      labelNames: ['source'],
      registers: [registry],
    }),
    browserErrorsSampledOut: new Counter({
      name: 'fuse_browser_errors_sampled_out_total',
      help: 'Browser error reports dropped by BROWSER_ERRORS_SAMPLE_RATE before being stored or sent',
      registers: [registry],
    }),
    queryStats: new Map(),
  };
}

export const metrics: FuseMetrics = processSingleton('metrics', create);

/** The request policy (pages, API, live stream) calls this for every request it answers with 429. */
export const rateLimitedTotal = metrics.rateLimitedTotal;
/** The live hub sets this (inc on open, dec on close) for the streams it holds. */
export const liveStreamsOpen = metrics.liveStreamsOpen;

/** Scheduled backups of this instance: when the last run of each outcome finished, and the last file's size. */
export const backupMetrics = processSingleton('backupMetrics', () => ({
  lastRun: new Gauge({
    name: 'fuse_backup_last_run_timestamp_seconds',
    help: 'Unix time the last backup run finished, by outcome (success, failure)',
    labelNames: ['outcome'],
    registers: [metrics.registry],
  }),
  lastBytes: new Gauge({
    name: 'fuse_backup_last_size_bytes',
    help: 'Size of the last successful backup file',
    registers: [metrics.registry],
  }),
}));

/**
 * Rate-limit checks Redis did not answer in time, by what happened instead: `memory` (this
 * instance's own budget: the limit is no longer global) or `closed` (refused with 503). A rising
 * `memory` count under load means REDIS_COMMAND_TIMEOUT_MS is shorter than the event loop's lag.
 */
export const rateLimitStoreFailures = processSingleton(
  'rateLimitStoreFailures',
  () =>
    new Counter({
      name: 'fuse_rate_limit_store_failures_total',
      help: 'Rate-limit checks that Redis did not answer, by fallback (memory, closed)',
      labelNames: ['outcome'],
      registers: [metrics.registry],
    }),
);

const MAX_QUERY_NAMES = 500;

/** Records one data-layer call: histogram, slow counter and the per-name table. */
export function recordQuery(name: string, ms: number, ok: boolean, slowQueryMs = config().slowQueryMs): void {
  metrics.dbQueryDuration.observe({ query: name, ok: ok ? 'true' : 'false' }, ms / 1000);
  const slow = ms >= slowQueryMs;
  if (slow) metrics.slowQueriesTotal.inc({ query: name });
  let stat = metrics.queryStats.get(name);
  if (!stat) {
    if (metrics.queryStats.size >= MAX_QUERY_NAMES) return;
    stat = { name, calls: 0, totalMs: 0, maxMs: 0, slow: 0, failed: 0, lastSlowAt: null };
    metrics.queryStats.set(name, stat);
  }
  stat.calls += 1;
  stat.totalMs += ms;
  stat.maxMs = Math.max(stat.maxMs, ms);
  if (!ok) stat.failed += 1;
  if (slow) {
    stat.slow += 1;
    stat.lastSlowAt = Date.now();
  }
}

/** The query names with the slowest single call since this instance started. */
export function slowestQueries(limit = 10): QueryStat[] {
  return [...metrics.queryStats.values()]
    .sort((a, b) => b.maxMs - a.maxMs)
    .slice(0, limit)
    .map((s) => ({ ...s }));
}

// Hook the data layer once per copy of timed.ts (a bundler may hold more than one copy of it, and
// the registry is shared, so each copy is hooked exactly once).
const hooked = processSingleton('observedTimed', () => new WeakSet<object>());
if (!hooked.has(observeQueries)) {
  hooked.add(observeQueries);
  observeQueries((name, ms, ok) => recordQuery(name, ms, ok));
}

/**
 * The label of a request path: the pattern of the app route that serves it (`/api/clients/[id]`),
 * or `other` when no route does. Labels come only from the route table, so no request can add a series.
 */
export function routeLabel(pathname: string, kind?: RouteKind): string {
  return appRouteTable().match(pathname, kind) ?? OTHER_ROUTE;
}

export function recordRequest(route: string, method: string, status: number, seconds: number): void {
  metrics.httpRequestDuration.observe({ route, method, status: String(status) }, seconds);
}

export function recordSessionRead(seconds: number, signedIn: boolean): void {
  metrics.sessionReadDuration.observe({ outcome: signedIn ? 'session' : 'none' }, seconds);
}

export async function metricsText(): Promise<{ body: string; contentType: string }> {
  return { body: await metrics.registry.metrics(), contentType: metrics.registry.contentType };
}

/** Current value of a single-series gauge or the sum of a counter's series (for the operations page). */
export async function metricTotal(metric: Counter<string> | Gauge<string>): Promise<number> {
  const data = await metric.get();
  return data.values.reduce((sum, v) => sum + v.value, 0);
}
