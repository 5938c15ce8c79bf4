/**
 * `npm run bench` — every seed "Performance Benchmark", measured against a production build on
 * PostgreSQL + Redis with the scale-target data set. `npm run bench:quick` (= `--quick`) is the CI profile:
 * data-set scale 0.01, shorter runs, no Lighthouse (add `--lighthouse` to include it).
 *
 * Options: --report FILE (write an earlier run's report again, measuring nothing), --quick, --scale N, --db NAME, --lighthouse / --no-lighthouse, --lighthouse-runs N (median of N; 3 by default, 1 with --quick), --duration S.
 * Writes bench/results/<date>[-quick].{json,md,svg}.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { scaleUserEmail, SCALE_PASSWORD } from '../src/cli/scale-seed';
import type { Database } from '../src/fuse/db/client';
import { RevocationList } from '../src/fuse/session/revoked';
import { mintSessionToken, verifySessionToken } from '../src/fuse/session/token';
import { listActiveClients, listClients } from '../src/domains/clients/queries';
import { financeSummary } from '../src/domains/finance/queries';
import {
  arg,
  BENCH_SECRET,
  buildIfNeeded,
  ensureScaleDatabase,
  flag,
  log,
  machine,
  ROOT,
  signInCookie,
  startApp,
  startRawFloor,
  today,
  type Server,
} from './lib';
import { runLighthouse } from './lighthouse';
import { buildRows, renderMarkdown, renderSvg, stats, type BenchInput, type LoadPoint, type Stats } from './report';

const quick = flag('--quick');
const scale = Number(arg('--scale') ?? (quick ? 0.01 : 1));
const dbName = arg('--db') ?? (scale === 1 ? 'fuse_scale' : `fuse_scale_${String(scale).replace(/\W/g, '_')}`);
const duration = Number(arg('--duration') ?? (quick ? 3 : 8));
const connectionsList = quick ? [1, 10, 50] : [1, 10, 50, 100];
const headline = 50;
const withLighthouse = flag('--lighthouse') || (!quick && !flag('--no-lighthouse'));
const RESULTS = path.join(ROOT, 'bench/results');

async function timeLoop(iterations: number, fn: () => Promise<unknown>, unit: 'ms' | 'us' = 'ms'): Promise<Stats> {
  for (let i = 0; i < Math.min(20, iterations); i++) await fn(); // warm-up: JIT, plan cache, buffers
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t = process.hrtime.bigint();
    await fn();
    const ns = Number(process.hrtime.bigint() - t);
    samples.push(unit === 'us' ? ns / 1e3 : ns / 1e6);
  }
  return stats(samples);
}

async function load(name: string, url: string, connections: number, headers: Record<string, string> = {}): Promise<LoadPoint> {
  const r = await autocannon({ url, connections, duration, headers, pipelining: 1, timeout: 10 });
  const point: LoadPoint = {
    endpoint: name,
    connections,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  };
  log(
    `  ${name} @${connections}: ${point.rps.toFixed(0)} req/s, p50 ${point.p50} ms, p99 ${point.p99} ms, non-2xx ${point.non2xx}, errors ${point.errors}`,
  );
  return point;
}

/** The newest `npm run bench:live` result, by the date it records (file times mean nothing in a fresh clone). */
function latestLiveResult(): BenchInput['live'] {
  if (!existsSync(RESULTS)) return null;
  let best: { file: string; date: string; summary: unknown } | null = null;
  for (const f of readdirSync(RESULTS).filter((name) => /^live-.*\.json$/.test(name))) {
    try {
      const summary = JSON.parse(readFileSync(path.join(RESULTS, f), 'utf8')) as { benchmark?: string; date?: string; instances?: number };
      // The report's row is one server's; runs over several instances are read on their own.
      if (summary.benchmark !== 'live' || typeof summary.date !== 'string' || (summary.instances ?? 1) > 1) continue;
      if (!best || summary.date > best.date) best = { file: `bench/results/${f}`, date: summary.date, summary };
    } catch {
      /* not a result file */
    }
  }
  return best ? ({ file: best.file, summary: best.summary } as BenchInput['live']) : null;
}

/**
 * `--report FILE`: the report of an earlier run written again from its JSON (after a change to the
 * report, or with a newer `bench:live` result), without measuring anything.
 */
function rerender(file: string) {
  const input = JSON.parse(readFileSync(file, 'utf8')) as BenchInput & { seconds?: number };
  const seconds = input.seconds;
  input.live = latestLiveResult() ?? input.live;
  const rows = buildRows(input);
  const base = path.basename(file, '.json');
  const dir = path.dirname(file);
  writeFileSync(file, JSON.stringify({ ...input, rows, seconds }, null, 2) + '\n');
  writeFileSync(path.join(dir, `${base}.svg`), renderSvg(input.load) + '\n');
  writeFileSync(path.join(dir, `${base}.md`), renderMarkdown(input, rows, `${base}.svg`));
  log(
    `re-rendered ${file} and its .md / .svg: ${rows.filter((r) => r.verdict === 'pass').length} pass, ${rows.filter((r) => r.verdict === 'fail').length} fail`,
  );
}

async function main() {
  const reportFile = arg('--report');
  if (reportFile) return rerender(reportFile);
  const startedAt = new Date().toISOString();
  const t0 = Date.now();
  log(`${quick ? 'quick' : 'full'} run: data-set scale ${scale} in database ${dbName}, ${duration} s per load point`);
  process.env.SESSION_SECRET ??= BENCH_SECRET;
  const { url: databaseUrl } = await ensureScaleDatabase(dbName, scale);
  buildIfNeeded();

  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  const db = drizzle({ client: pool }) as unknown as Database;
  const q1 = async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => (await pool.query<T>(text, values)).rows;
  const version = (await q1<{ v: string }>(`select current_setting('server_version') as v`))[0]!.v;
  const sizes = await q1<{ id: string; n: number }>(
    `select b.id, count(c.id)::int as n from businesses b join clients c on c.business_id = b.id where b.name like 'Scale %' group by b.id order by n desc`,
  );
  const largest = sizes[0]!;
  const median = sizes[Math.floor(sizes.length / 2)]!;
  const counts = (
    await q1<{ u: number; b: number; c: number }>(
      `select (select count(*) from users)::int as u, (select count(*) from businesses)::int as b, (select count(*) from clients)::int as c`,
    )
  )[0]!;
  const invoices = (await q1<{ t: string | null }>(`select to_regclass('public.invoices') as t`))[0]!.t
    ? Number((await q1<{ n: string }>('select count(*) as n from invoices'))[0]!.n)
    : null;
  const captainOf = async (businessId: string) =>
    (await q1<{ id: string }>(`select user_id as id from memberships where business_id = $1 and rank = 'captain' limit 1`, [businessId]))[0]!.id;
  const largestScope = { businessId: largest.id, rank: 'captain' as const, userId: await captainOf(largest.id) };
  const medianScope = { businessId: median.id, rank: 'captain' as const, userId: await captainOf(median.id) };

  // 1. Session cookie read: verifySessionToken on a real FUSE token, then the in-memory revocation
  // check every read makes, against a list holding 10,000 signed-out sessions and 1,000 users' marks.
  log('session cookie read');
  const secret = new TextEncoder().encode(BENCH_SECRET);
  const token = await mintSessionToken(
    {
      userId: largestScope.userId,
      businessId: largest.id,
      rank: 'captain',
      name: 'Bench',
      email: scaleUserEmail(0),
      theme: 'light',
      sessionVersion: 1,
      sessionId: randomUUID(),
      sessionExpiresAt: Math.floor(Date.now() / 1000) + 30 * 86_400,
    },
    secret,
  );
  const revoked = new RevocationList();
  for (let i = 0; i < 10_000; i++) revoked.apply({ kind: 'session', sessionId: randomUUID(), userId: randomUUID(), until: Date.now() + 86_400_000 });
  for (let i = 0; i < 1_000; i++) revoked.apply({ kind: 'user', userId: randomUUID(), minVersion: 2, at: Date.now() });
  revoked.loaded = true;
  const sessionReadUs = await timeLoop(
    quick ? 5_000 : 20_000,
    async () => {
      const session = await verifySessionToken(token, [secret]);
      if (!session || revoked.standing(session) !== 'current') throw new Error('bench: the cookie did not read as current');
    },
    'us',
  );

  // 2. Indexed query: the data layer's listActiveClients, largest and median business.
  log('indexed queries');
  const iters = quick ? 200 : 500;
  const indexedLargestMs = await timeLoop(iters, () => listActiveClients(db, largestScope));
  const indexedMedianMs = await timeLoop(iters, () => listActiveClients(db, medianScope));

  // 3. Complex query: the finance summary of the largest business.
  log('complex query');
  let complexMs: Stats | null = null;
  if (invoices !== null) complexMs = await timeLoop(quick ? 100 : 300, () => financeSummary(db, largestScope));

  // 4. Keyset pagination: page 1 against page 200 of the largest business (50 per page).
  log('keyset pagination');
  let cursor: string | null = null;
  for (let page = 1; page < 200; page++) {
    const r: { nextCursor: string | null } = await listClients(db, largestScope, { cursor: cursor ?? undefined, limit: 50 });
    if (!r.nextCursor) throw new Error(`the largest business has fewer than 200 pages (stopped at ${page})`);
    cursor = r.nextCursor;
  }
  // Interleaved, so drift on a shared machine hits both pages alike.
  const p1: number[] = [];
  const p200: number[] = [];
  for (let i = 0; i < iters + 20; i++) {
    let t = process.hrtime.bigint();
    await listClients(db, largestScope, { limit: 50 });
    if (i >= 20) p1.push(Number(process.hrtime.bigint() - t) / 1e6);
    t = process.hrtime.bigint();
    await listClients(db, largestScope, { cursor: cursor!, limit: 50 });
    if (i >= 20) p200.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const keysetPage1Ms = stats(p1);
  const keysetPage200Ms = stats(p200);
  const offsetPage200Ms = await timeLoop(Math.min(iters, 200), () =>
    pool.query(`select * from clients where business_id = $1 order by id desc offset 9950 limit 51`, [largest.id]),
  );
  await pool.end();

  // 5. HTTP: floors and FUSE endpoints, each at several concurrencies, in the same run.
  const servers: Server[] = [];
  const loadPoints: LoadPoint[] = [];
  let lighthouse: BenchInput['lighthouse'] = null;
  let health: string | null = null;
  try {
    const raw = await startRawFloor();
    servers.push(raw);
    const app = await startApp(databaseUrl);
    servers.push(app);
    const cookie = await signInCookie(app.url, scaleUserEmail(0), SCALE_PASSWORD);
    const probe = await fetch(`${app.url}/api/health`);
    if (probe.status === 200) health = '/api/health';
    const signInProbe = await fetch(`${app.url}/sign-in`);
    if (signInProbe.status !== 200) log(`WARNING: the dynamic floor /sign-in answers ${signInProbe.status}; its ratios are not meaningful`);
    const signedIn = { cookie };
    // Warm the server's routes before measuring.
    for (const p of ['/sign-in', '/api/clients', '/dashboard/clients']) {
      for (let i = 0; i < 20; i++) await fetch(`${app.url}${p}`, { headers: signedIn }).then((r) => r.arrayBuffer());
    }
    const targets: [string, string, Record<string, string>][] = [
      ['raw node:http', raw.url, {}],
      ...(health ? ([[health, `${app.url}${health}`, {}]] as [string, string, Record<string, string>][]) : []),
      ['/sign-in', `${app.url}/sign-in`, {}],
      ['/api/clients', `${app.url}/api/clients`, signedIn],
      ['/dashboard/clients', `${app.url}/dashboard/clients`, signedIn],
    ];
    for (const c of connectionsList) {
      log(`load at ${c} connections`);
      for (const [name, url, headers] of targets) loadPoints.push(await load(name, url, c, headers));
    }
    if (withLighthouse) {
      log('lighthouse');
      lighthouse = await runLighthouse(`${app.url}/dashboard/clients`, cookie, Number(arg('--lighthouse-runs') ?? (quick ? 1 : 3)));
    }
  } finally {
    for (const s of servers.reverse()) await s.stop();
  }

  const input: BenchInput = {
    mode: quick ? 'quick' : 'full',
    startedAt,
    machine: machine(`PostgreSQL ${version}`),
    dataSet: { scale, users: counts.u, businesses: counts.b, clients: counts.c, invoices },
    sessionReadUs,
    indexedLargestMs,
    indexedMedianMs,
    largestClients: largest.n,
    medianClients: median.n,
    complexMs,
    keysetPage1Ms,
    keysetPage200Ms,
    offsetPage200Ms,
    load: loadPoints,
    headlineConnections: headline,
    endpoints: { raw: 'raw node:http', health, dynamicFloor: '/sign-in', api: '/api/clients', page: '/dashboard/clients' },
    live: latestLiveResult(),
    lighthouse,
  };
  const rows = buildRows(input);
  mkdirSync(RESULTS, { recursive: true });
  const base = `${today()}${quick ? '-quick' : ''}`;
  writeFileSync(path.join(RESULTS, `${base}.json`), JSON.stringify({ ...input, rows, seconds: (Date.now() - t0) / 1000 }, null, 2) + '\n');
  writeFileSync(path.join(RESULTS, `${base}.svg`), renderSvg(loadPoints) + '\n');
  writeFileSync(path.join(RESULTS, `${base}.md`), renderMarkdown(input, rows, `${base}.svg`));
  process.stdout.write(renderMarkdown(input, rows, `${base}.svg`).split('## Latency')[0]!);
  log(`wrote bench/results/${base}.{json,md,svg} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  const failed = rows.filter((r) => r.verdict === 'fail').length;
  log(`${rows.filter((r) => r.verdict === 'pass').length} pass, ${failed} fail`);
}

main().catch((err) => {
  process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
