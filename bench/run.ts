/**
 * `npm run bench` — every seed "Performance Benchmark", measured against a production build on
 * PostgreSQL + Redis with the scale-target data set. `npm run bench:quick` (= `--quick`) is the CI profile:
 * data-set scale 0.01, shorter runs, no Lighthouse (add `--lighthouse` to include it).
 *
 * Options: --report FILE (write an earlier run's report again, measuring nothing), --quick, --no-live (no live-change row),
 * --bare-rounds N / --bare-duration S / --bare-warm S (FUSE against the bare Next.js app, bench/bare-next, after a warm-up of S s per side), --read-cache-off (also
 * a second FUSE server with READ_CACHE_MAX_ENTRIES=0 in the same interleaved rounds), --scale N, --db NAME, --lighthouse / --no-lighthouse, --lighthouse-runs N (median of N; 5 by default, Lighthouse's own advice for variance; 1 with --quick), --duration S.
 * Writes bench/results/<date>[-quick].{json,md,svg}.
 */
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
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
  buildBareNext,
  buildIfNeeded,
  DIST_DIR,
  ensureScaleDatabase,
  flag,
  log,
  machine,
  PG_SERVER,
  recordOneChange,
  ROOT,
  signInCookie,
  startApp,
  startBareNext,
  startRawFloor,
  today,
  type Server,
} from './lib';
import { runLighthouse } from './lighthouse';
import { bareRatios, buildRows, renderMarkdown, renderSvg, stats, type BareComparison, type BenchInput, type LoadPoint, type Stats } from './report';

const quick = flag('--quick');
const scale = Number(arg('--scale') ?? (quick ? 0.01 : 1));
const dbName = arg('--db') ?? (scale === 1 ? 'fuse_scale' : `fuse_scale_${String(scale).replace(/\W/g, '_')}`);
const duration = Number(arg('--duration') ?? (quick ? 3 : 8));
const connectionsList = quick ? [1, 10, 50] : [1, 10, 50, 100];
const headline = 50;
// FUSE against the bare Next.js floor: rounds of `bareDuration` s per side, interleaved.
const bareRounds = Number(arg('--bare-rounds') ?? (quick ? 4 : 6));
const bareDuration = Number(arg('--bare-duration') ?? (quick ? 2 : 5));
const bareConnections = 10;
const bareWarmSeconds = Number(arg('--bare-warm') ?? (quick ? 4 : 8));
const withLighthouse = flag('--lighthouse') || (!quick && !flag('--no-lighthouse'));
const RESULTS = path.join(ROOT, 'bench/results');

/** A full collection, so what a loop measures is not the promotion of what was allocated before it. */
function settleHeap() {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

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

async function load(name: string, url: string, connections: number, headers: Record<string, string> = {}, seconds = duration): Promise<LoadPoint> {
  const r = await autocannon({ url, connections, duration: seconds, headers, pipelining: 1, timeout: 10 });
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

/**
 * The live-change row, measured in this run: `bench:live` as a child process on the same build, at a
 * smaller scale in quick mode (1 and 100 streams, one business), at its own scale otherwise.
 * `--no-live` skips it: the row then says "not run", never an older run's figures.
 */
function measureLive(): BenchInput['live'] {
  if (flag('--no-live')) return null;
  const out = mkdtempSync(path.join(os.tmpdir(), 'fuse-bench-live-'));
  const args = quick ? ['--levels', '1,100', '--spread-levels', 'none', '--commits', '20'] : [];
  log(`live-change latency (bench:live ${args.join(' ') || 'at its own scale'})`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/live.ts'), ...args, '--reuse-build', '--out', out], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, FUSE_DIST_DIR: DIST_DIR, DATABASE_URL: PG_SERVER },
  });
  try {
    const file = readdirSync(out).find((f) => /^live-.*\.json$/.test(f));
    if (r.status !== 0 || !file) {
      log(`bench:live failed (exit ${r.status}): the live row says "not run"`);
      return null;
    }
    const summary = JSON.parse(readFileSync(path.join(out, file), 'utf8')) as unknown;
    return { file: `this run (bench:live ${args.join(' ') || 'full'})`, summary };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * `--report FILE`: the report of an earlier run written again from its JSON (after a change to the
 * report, or with a newer `bench:live` result), without measuring anything.
 */
function rerender(file: string) {
  const input = JSON.parse(readFileSync(file, 'utf8')) as BenchInput & { seconds?: number };
  const seconds = input.seconds;
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

/**
 * FUSE's client list (JSON and page) against the bare Next.js app doing the same work on the same
 * database with the same cookie: both must answer 200 with the same clients before anything is
 * measured, then `bareRounds` rounds, the order alternating each round.
 */
async function compareWithBare(fuseUrl: string, databaseUrl: string, signedIn: Record<string, string>, servers: Server[]): Promise<BareComparison[]> {
  const bareServer = await startBareNext(databaseUrl);
  servers.push(bareServer);
  const pairs: { label: string; fuse: string; bare: string; fuseUrl?: string }[] = [
    { label: 'JSON list', fuse: '/api/clients?status=active', bare: '/api/clients' },
    { label: 'signed-in page', fuse: '/dashboard/clients', bare: '/dashboard/clients' },
  ];
  if (flag('--read-cache-off')) {
    // The same build with the read cache off, measured in the same rounds: the cache's own effect.
    const uncached = await startApp(databaseUrl, { READ_CACHE_MAX_ENTRIES: '0' });
    servers.push(uncached);
    pairs.push({ label: 'JSON list, read cache off', fuse: '/api/clients?status=active', bare: '/api/clients', fuseUrl: uncached.url });
  }
  const ids = async (base: string, p: string) => {
    const res = await fetch(`${base}${p}`, { headers: signedIn, redirect: 'manual' });
    if (res.status !== 200) throw new Error(`bench: ${base}${p} answered ${res.status}, not 200`);
    return ((await res.json()) as { items: { id: number }[] }).items.map((c) => c.id).join(',');
  };
  const [fuseIds, bareIds] = [await ids(fuseUrl, pairs[0]!.fuse), await ids(bareServer.url, pairs[0]!.bare)];
  if (fuseIds !== bareIds || !fuseIds) throw new Error('bench: FUSE and the bare app do not list the same active clients');
  for (const p of pairs) {
    for (let i = 0; i < 20; i++) {
      await fetch(`${p.fuseUrl ?? fuseUrl}${p.fuse}`, { headers: signedIn }).then((r) => r.arrayBuffer());
      await fetch(`${bareServer.url}${p.bare}`, { headers: signedIn }).then((r) => r.arrayBuffer());
    }
  }
  // The same warm-up under load for both sides before anything is measured: FUSE's server has already
  // run the load points above, and a bare server measured cold (its JIT still compiling) would make
  // the ratio look better than it is.
  log('FUSE vs bare Next.js: warm-up round (not measured)');
  for (const p of pairs) {
    const warm = { connections: bareConnections, duration: bareWarmSeconds, headers: signedIn, pipelining: 1, timeout: 10 };
    await autocannon({ ...warm, url: `${p.fuseUrl ?? fuseUrl}${p.fuse}` });
    await autocannon({ ...warm, url: `${bareServer.url}${p.bare}` });
  }
  const out = pairs.map((p): BareComparison & { fuseUrl?: string } => ({ ...p, connections: bareConnections, rounds: [] }));
  for (let round = 0; round < bareRounds; round++) {
    log(`FUSE vs bare Next.js, round ${round + 1} of ${bareRounds}`);
    for (const c of out) {
      const run = (side: 'fuse' | 'bare') =>
        load(
          `${side === 'fuse' ? 'FUSE' : 'bare'} ${side === 'fuse' ? c.fuse : c.bare}`,
          `${side === 'fuse' ? (c.fuseUrl ?? fuseUrl) : bareServer.url}${side === 'fuse' ? c.fuse : c.bare}`,
          bareConnections,
          signedIn,
          bareDuration,
        );
      if (round % 2 === 0) {
        const f = await run('fuse');
        c.rounds.push({ fuse: f, bare: await run('bare') });
      } else {
        const b = await run('bare');
        c.rounds.push({ fuse: await run('fuse'), bare: b });
      }
    }
  }
  for (const c of out) {
    const r = bareRatios(c);
    log(`  ${c.label}: FUSE ${r.rps.toFixed(2)}× the bare app's req/s, p99 ${r.p99.toFixed(2)}×`);
  }
  return out.map(({ fuseUrl: _, ...c }) => c);
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
  // Loaded in bulk, as a server loads it at start. A server's list lives in the old generation; a
  // list built just before the loop would still be promoted by the collector while it is timed
  // (milliseconds on the tail of a microsecond read), so the heap is settled first.
  const revoked = new RevocationList();
  const now = Date.now();
  for (let i = 0; i < 10_000; i++)
    revoked.apply({ kind: 'session', sessionId: randomUUID(), userId: randomUUID(), until: now + 86_400_000 }, now, true);
  for (let i = 0; i < 1_000; i++) revoked.apply({ kind: 'user', userId: randomUUID(), minVersion: 2, at: now }, now, true);
  revoked.loaded = true;
  const readCookie = async () => {
    const session = await verifySessionToken(token, [secret]);
    if (!session || revoked.standing(session) !== 'current') throw new Error('bench: the cookie did not read as current');
  };
  for (let i = 0; i < 2_000; i++) await readCookie();
  settleHeap();
  const sessionReadUs = await timeLoop(quick ? 5_000 : 20_000, readCookie, 'us');

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
  const bare: BareComparison[] = [];
  try {
    buildBareNext();
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
    await recordOneChange(app.url, cookie);
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
    bare.push(...(await compareWithBare(app.url, databaseUrl, signedIn, servers)));
    if (withLighthouse) {
      log('lighthouse');
      lighthouse = await runLighthouse(`${app.url}/dashboard/clients`, cookie, Number(arg('--lighthouse-runs') ?? (quick ? 1 : 5)));
    }
  } finally {
    for (const s of servers.reverse()) await s.stop();
  }
  const live = measureLive();

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
    live,
    lighthouse,
    bare,
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
