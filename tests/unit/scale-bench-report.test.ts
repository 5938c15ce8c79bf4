import { describe, expect, it } from 'vitest';
import {
  bareRatios,
  buildRows,
  renderMarkdown,
  renderSvg,
  stats,
  successRate,
  throughputAtSlo,
  type BareComparison,
  type BenchInput,
  type LoadPoint,
} from '../../bench/report';
import { summarize } from '../../bench/loadtest';

const s = (p50: number, p99: number) => ({ n: 100, p50, p99, mean: p50 });
const lp = (endpoint: string, connections: number, rps: number, p99: number, extra: Partial<LoadPoint> = {}): LoadPoint => ({
  endpoint,
  connections,
  rps,
  p50: p99 / 2,
  p99,
  requests: rps * 5,
  non2xx: 0,
  errors: 0,
  ...extra,
});

function input(over: Partial<BenchInput> = {}): BenchInput {
  const load = [1, 50].flatMap((c) => [
    lp('raw node:http', c, 20_000, 5),
    lp('/api/health', c, 4_000, 20),
    lp('/sign-in', c, 1_000, 80),
    lp('/api/clients', c, 800, 120),
    lp('/dashboard/clients', c, 300, 190),
  ]);
  return {
    mode: 'quick',
    startedAt: '2026-01-01T00:00:00Z',
    machine: { cpus: 2, cpuModel: 'x', memoryGb: 8, node: '20', postgres: 'PostgreSQL 15' },
    dataSet: { scale: 0.01, users: 1000, businesses: 150, clients: 20_000, invoices: 20_000 },
    sessionReadUs: s(40, 90),
    indexedLargestMs: s(1, 3),
    indexedMedianMs: s(0.5, 2),
    largestClients: 12_500,
    medianClients: 7,
    complexMs: s(10, 30),
    keysetPage1Ms: s(1, 2),
    keysetPage200Ms: s(1.1, 2.2),
    offsetPage200Ms: s(8, 12),
    load,
    headlineConnections: 50,
    endpoints: { raw: 'raw node:http', health: '/api/health', dynamicFloor: '/sign-in', api: '/api/clients', page: '/dashboard/clients' },
    live: null,
    lighthouse: [
      { preset: 'desktop', scores: { performance: 100, accessibility: 98 }, fcpMs: 300, lcpMs: 400, tbtMs: 0, cls: 0 },
      { preset: 'mobile', scores: { performance: 85 }, fcpMs: 1500, lcpMs: 2000, tbtMs: 100, cls: 0 },
    ],
    ...over,
  };
}

describe('bench report', () => {
  it('computes nearest-rank percentiles', () => {
    const r = stats(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(r.p50).toBe(50);
    expect(r.p99).toBe(99);
    expect(stats([]).n).toBe(0);
  });

  it('writes a row per seed target, each with a verdict', () => {
    const rows = buildRows(input());
    const names = rows.map((r) => r.benchmark);
    for (const want of [
      /Cookie read/,
      /Indexed query.*largest/,
      /Indexed query.*median/,
      /Complex query/,
      /Keyset/,
      /GET \/api\/clients/,
      /\/dashboard\/clients/,
      /Success rate/,
      /Live-change/,
      /Lighthouse desktop/,
      /Lighthouse mobile/,
    ]) {
      expect(
        names.some((n) => want.test(n)),
        String(want),
      ).toBe(true);
    }
    for (const r of rows) expect(['pass', 'fail', 'info', 'n/a']).toContain(r.verdict);
    const by = (re: RegExp) => rows.find((r) => re.test(r.benchmark))!;
    expect(by(/Cookie read/).verdict).toBe('pass');
    expect(by(/Keyset/).verdict).toBe('pass');
    expect(by(/Lighthouse desktop/).verdict).toBe('pass');
    expect(by(/Lighthouse mobile/).verdict).toBe('fail');
    expect(by(/Live-change/).verdict).toBe('n/a');
    // Throughput is reported beside its floors, as ratios.
    expect(by(/GET \/api\/clients/).measured).toMatch(/20 % of \/api\/health/);
    expect(by(/\/dashboard\/clients/).measured).toMatch(/30 % of \/sign-in/);
  });

  it('fails the rows whose measurement misses the target', () => {
    const rows = buildRows(
      input({
        sessionReadUs: s(900, 1500),
        indexedLargestMs: s(30, 80),
        keysetPage200Ms: s(5, 9),
        complexMs: null,
        load: [
          lp('raw node:http', 50, 20_000, 5),
          lp('/api/clients', 50, 100, 400, { non2xx: 10 }),
          lp('/dashboard/clients', 50, 0, 0, { requests: 0 }),
        ],
      }),
    );
    const by = (re: RegExp) => rows.find((r) => re.test(r.benchmark))!;
    expect(by(/Cookie read/).verdict).toBe('fail');
    expect(by(/Indexed query.*largest/).verdict).toBe('fail');
    expect(by(/Keyset/).verdict).toBe('fail');
    expect(by(/Complex query/).verdict).toBe('n/a');
    expect(by(/GET \/api\/clients/).verdict).toBe('fail');
    // A run in which no request completed is a failure, not a 0 ms p99.
    expect(by(/\/dashboard\/clients/).verdict).toBe('fail');
    expect(by(/Success rate/).verdict).toBe('fail');
  });

  it('reports throughput at the p99 target: the best load point under 200 ms, against the peak', () => {
    // Past saturation more connections only queue: 50 connections add 2 % of throughput and 4× the p99.
    const saturating = [lp('/api/clients', 1, 240, 9), lp('/api/clients', 10, 384, 49), lp('/api/clients', 50, 393, 214)];
    const ok = throughputAtSlo(saturating, '/api/clients');
    expect(ok.best?.connections).toBe(10);
    expect(ok.peak?.connections).toBe(50);
    expect(ok.verdict).toBe('pass');
    // Slow before busy: the only point under 200 ms has a fraction of the throughput.
    const slow = throughputAtSlo([lp('/api/clients', 1, 50, 150), lp('/api/clients', 10, 300, 900)], '/api/clients');
    expect(slow.best?.connections).toBe(1);
    expect(slow.verdict).toBe('fail');
    // Errors disqualify a point however fast it was.
    const failing = throughputAtSlo([lp('/api/clients', 10, 384, 49, { non2xx: 3 })], '/api/clients');
    expect(failing.best).toBeNull();
    expect(failing.verdict).toBe('fail');
    const row = buildRows(input({ load: [lp('raw node:http', 50, 20_000, 5), ...saturating] })).find((r) => /GET \/api\/clients/.test(r.benchmark))!;
    expect(row.measured).toMatch(/^384 req\/s at 10 connections, p99 49(\.0+)? ms \(98 % of the peak 393 req\/s\)/);
    expect(row.note).toMatch(/27 such instances/);
  });

  it('counts success over FUSE endpoints only', () => {
    const r = successRate([lp('raw node:http', 1, 10, 1, { non2xx: 50 }), lp('/api/clients', 1, 100, 1, { non2xx: 1, errors: 1 })], ['/api/clients']);
    expect(r.total).toBe(501);
    expect(r.ok).toBe(499);
  });

  it('says "not run" for a live row this run did not measure', () => {
    const live = buildRows(input({ live: null })).find((r) => /Live-change/.test(r.benchmark))!;
    expect(live.measured).toBe('not run');
    expect(live.verdict).toBe('n/a');
  });

  it('reports FUSE against the bare Next.js app as ratios over interleaved rounds', () => {
    const pair = (fuse: number, bare: number, fuseP99: number, bareP99: number, extra: Partial<LoadPoint> = {}) => ({
      fuse: lp('FUSE /api/clients?status=active', 10, fuse, fuseP99, extra),
      bare: lp('bare /api/clients', 10, bare, bareP99),
    });
    const c: BareComparison = {
      label: 'JSON list',
      fuse: '/api/clients?status=active',
      bare: '/api/clients',
      connections: 10,
      rounds: [pair(90, 100, 30, 20), pair(80, 100, 50, 25), pair(100, 100, 40, 30)],
    };
    const r = bareRatios(c);
    expect(r.rps).toBeCloseTo(0.9, 5);
    expect(r.perRound.map((x) => Number(x.toFixed(2)))).toEqual([0.9, 0.8, 1]);
    // p99: the median round of each side.
    expect(r.fuseP99).toBe(40);
    expect(r.bareP99).toBe(25);
    expect(r.p99).toBeCloseTo(1.6, 5);
    const rows = buildRows(input({ bare: [c] }));
    const row = rows.find((x) => /bare Next\.js: JSON list/.test(x.benchmark))!;
    expect(row.verdict).toBe('pass');
    expect(row.measured).toMatch(/0\.90× req\/s/);
    // Below the goal, or any failed request on either side, fails the row.
    expect(buildRows(input({ bare: [{ ...c, rounds: [pair(80, 100, 30, 20)] }] })).find((x) => /bare Next/.test(x.benchmark))!.verdict).toBe('fail');
    expect(
      buildRows(input({ bare: [{ ...c, rounds: [pair(100, 100, 30, 20, { non2xx: 3 })] }] })).find((x) => /bare Next/.test(x.benchmark))!.verdict,
    ).toBe('fail');
  });

  it('reads the live-changes result file when present', () => {
    const rows = buildRows(
      input({
        live: {
          file: 'bench/results/live.json',
          summary: {
            runs: [
              { streams: 1, p50: 2, p99: 5 },
              { streams: 5000, p50: 20, p99: 140 },
            ],
          },
        },
      }),
    );
    const live = rows.find((r) => /Live-change/.test(r.benchmark))!;
    expect(live.measured).toMatch(/5,000 streams/);
    expect(live.verdict).toBe('fail');
  });

  it('renders Markdown with every row and a valid SVG chart', () => {
    const b = input();
    const rows = buildRows(b);
    const md = renderMarkdown(b, rows, 'x.svg');
    for (const r of rows) expect(md).toContain(r.benchmark);
    expect(md).toContain('![latency vs concurrency](x.svg)');
    const svg = renderSvg(b.load);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect((svg.match(/<polyline/g) ?? []).length).toBe(5);
    expect(svg).not.toMatch(/NaN/);
  });
});

describe('load test summary', () => {
  it('turns an Artillery report into p95 / p99 and errors, and judges the seed goal', () => {
    const report = {
      aggregate: {
        counters: {
          'http.requests': 300,
          'http.codes.200': 298,
          'http.codes.429': 2,
          'vusers.created': 100,
          'vusers.failed': 0,
          'fuse.sign_ins': 40,
        },
        rates: { 'http.request_rate': 10 },
        summaries: {
          'http.response_time': { median: 20, p95: 80, p99: 150, max: 300, count: 300 },
          'plugins.metrics-by-endpoint.response_time.GET /dashboard': { median: 30, p95: 90, p99: 160, max: 200, count: 100 },
        },
      },
    };
    const s = summarize(report, 'http://x', 'short');
    expect(s.p95).toBe(80);
    expect(s.p99).toBe(150);
    expect(s.errorCount).toBe(2);
    expect(s.goalMet).toBe(false);
    expect(s.byEndpoint['GET /dashboard']!.p99).toBe(160);
    report.aggregate.counters['http.codes.429'] = 0;
    expect(summarize(report, 'http://x', 'short').goalMet).toBe(true);
  });
});
