/**
 * `npm run bench:live`: latency from commit to event received on open live streams, with 1, 100,
 * 1,000 and 5,000 streams held open against a local production server on PostgreSQL, and the
 * server's memory per open stream. Writes bench/results/live-<date>.json and .md (or under --out).
 *
 * The streams are held by client worker processes (bench/live-clients.ts, raw sockets), not by
 * this process, which only commits: latency = commit returned here → event read by a worker, both
 * on process.hrtime.bigint() (CLOCK_MONOTONIC, shared by every process on the machine).
 *
 * Two scenarios, each at its own levels:
 * - one business (the worst case, which the goal is judged on): every stream is signed in to the demo
 *   business, so every commit fans out to all of them;
 * - spread over many businesses, as tenants are: `spreadStreams` (bench/live-spread.ts) splits the streams
 *   over many businesses (a few large, most small), each stream a user of its own; each commit goes
 *   to one business picked in proportion to its streams; latency is measured on that business's
 *   streams, and any event read by a stream of another business is counted as misdelivered.
 *
 * Options: --levels 1,100,1000,5000  --commits 40  --workers 1  --keep-db
 *   --spread-levels 1000,5000  --spread-commits 200  --spread-per-business 5  --spread-skew 1  --spread-seed 1
 *   (a levels list may be `none` to skip that scenario)
 *   --instances N: N app servers on the one database, the streams dealt over them in turn (as a load
 *   balancer would: one server process per vCPU); results go to live-<date>-<N>-instances.{json,md}
 *   --out DIR: where the result files go (default bench/results; trial runs belong elsewhere, since
 *   `npm run bench` reports the newest live-*.json it finds there)
 *   --reuse-build: run the build in FUSE_DIST_DIR even if sources are newer (a harness-only change
 *   does not need `next build` on a busy machine)
 *   --path /api/./live: the same stream through Next's route handler (the Node server only answers
 *   the exact path /api/live itself), to compare the two transports.
 * Env: DATABASE_URL (PostgreSQL server to create the benchmark database on; default
 * postgres://<user>@127.0.0.1:5432/postgres), FUSE_DIST_DIR (build directory; default .next-live-bench),
 * BENCH_SERVER_NODE_ARGS (extra node flags for the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { seedDemo, DEMO } from '../src/cli/demo-data';
import type { Database } from '../src/fuse/db/client';
import { migrateDatabase } from '../src/fuse/db/migrate';
import { recordChange } from '../src/fuse/live/outbox';
import { mintSessionToken, type SessionGrant } from '../src/fuse/session/token';
import { buildIfStale, isBuildStale } from '../src/fuse/tooling/build';
import { startApp, type Server } from './lib';
import type { OpenGroup } from './live-clients';
import { seededRandom, spreadStreams, weightedPicker } from './live-spread';

const ROOT = path.resolve(import.meta.dirname, '..');
const DIST_DIR = process.env.FUSE_DIST_DIR || '.next-live-bench';
const SECRET = 'live-bench-session-secret-that-is-long-enough-0123456789';
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const levels = (text: string) => (text === 'none' || text === '' ? [] : text.split(',').map(Number));
const LEVELS = levels(arg('--levels') ?? '1,100,1000,5000');
const COMMITS = Number(arg('--commits') ?? 40);
const SPREAD_LEVELS = levels(arg('--spread-levels') ?? '1000,5000');
// More commits than the worst case: each reaches only a few streams, and the big businesses are picked often enough to show in the p99.
const SPREAD_COMMITS = Number(arg('--spread-commits') ?? 200);
const SPREAD = {
  perBusiness: Number(arg('--spread-per-business') ?? 5),
  skew: Number(arg('--spread-skew') ?? 1),
  seed: Number(arg('--spread-seed') ?? 1),
};
const OUT_DIR = path.resolve(arg('--out') ?? path.join(ROOT, 'bench/results'));
// One worker by default: with two, three busy processes share the 2 CPUs and the server's fan-out waits (p99 98 vs 83 ms at 5,000).
const WORKERS = Number(arg('--workers') ?? 1);
const INSTANCES = Math.max(1, Number(arg('--instances') ?? 1));
const STREAM_PATH = arg('--path') ?? '/api/live';
const log = (m: string) => process.stderr.write(`bench:live: ${m}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pgServerUrl(): string {
  const url = new URL(process.env.DATABASE_URL || 'postgres://127.0.0.1:5432/postgres');
  if (!url.username) url.username = os.userInfo().username;
  return url.toString();
}

function buildIfNeeded() {
  if (process.argv.includes('--reuse-build')) {
    if (!readdirSync(path.join(ROOT, DIST_DIR)).includes('BUILD_ID')) throw new Error(`--reuse-build: no build in ${DIST_DIR}`);
    log(`reusing the build in ${DIST_DIR}${isBuildStale(ROOT, DIST_DIR) ? ' (older than the sources: --reuse-build)' : ''}`);
  } else if (!buildIfStale(ROOT, { distDir: DIST_DIR, onBuild: log })) log(`reusing the build in ${DIST_DIR}`);
}

/** The app on the benchmark database: no Redis, a pool wide enough for thousands of streams opening. */
function startServer(databaseUrl: string): Promise<Server> {
  // e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  // One signed-in captain stands in for every reader of the one-business scenario: no per-user cap.
  return startApp(
    databaseUrl,
    { SESSION_SECRET: SECRET, REDIS_URL: '', DB_POOL_MAX: '20', LIVE_MAX_STREAMS_PER_USER: '1000000' },
    { distDir: DIST_DIR, nodeArgs },
  );
}

/** Resident memory (KiB) of a process and its descendants, from /proc. */
function treeRssKb(root: number): number {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* gone */
    }
  }
  const tree = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parents) {
      if (tree.has(ppid) && !tree.has(pid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  let kb = 0;
  for (const pid of tree) {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      kb += Number(m?.[1] ?? 0);
    } catch {
      /* gone */
    }
  }
  return kb;
}

/**
 * Client worker processes (bench/live-clients.ts) holding the streams, with the same monotonic clock
 * as this one. `allOf` holds allKey(id, business) once every stream of that worker in that business
 * has event `id`; `businesses` counts the worker's streams per business.
 */
type Worker = { child: ChildProcess; streams: number; allOf: Set<number>; businesses: Map<number, number> };
type WorkerMessage =
  | { type: 'opened'; streams: number }
  | { type: 'all'; id: number; business: number }
  | { type: 'times'; ids: number[]; times: number[]; businesses: number[] }
  | { type: 'error'; message: string };
const allKey = (id: number, business: number) => id * 2 ** 20 + business;

function startWorkers(count: number): Worker[] {
  return Array.from({ length: count }, () => {
    const child = fork(path.join(ROOT, 'bench/live-clients.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const worker: Worker = { child, streams: 0, allOf: new Set(), businesses: new Map() };
    child.on('message', (m: WorkerMessage) => {
      if (m.type === 'all') worker.allOf.add(allKey(m.id, m.business));
    });
    return worker;
  });
}

function ask<T extends WorkerMessage['type']>(worker: Worker, message: object, reply: T): Promise<Extract<WorkerMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const on = (m: WorkerMessage) => {
      if (m.type === 'error') reject(new Error(m.message));
      else if (m.type === reply) resolve(m as Extract<WorkerMessage, { type: T }>);
      else return;
      worker.child.off('message', on);
    };
    worker.child.on('message', on);
    worker.child.send(message);
  });
}

/** `count` split over the app instances in turn: the streams a load balancer would send to each. */
function overInstances(ports: number[], group: Omit<OpenGroup, 'port'>): OpenGroup[] {
  return ports
    .map((port, j) => ({ ...group, port, count: Math.floor(group.count / ports.length) + (j < group.count % ports.length ? 1 : 0) }))
    .filter((g) => g.count > 0);
}

/** Opens streams until `total` are open, spread evenly over the workers (and the app instances). */
async function openStreams(workers: Worker[], total: number, ports: number[], cookie: string) {
  const port = ports[0]!;
  const have = workers.reduce((n, w) => n + w.streams, 0);
  const more = total - have;
  await Promise.all(
    workers.map(async (w, i) => {
      const count = Math.floor(more / workers.length) + (i < more % workers.length ? 1 : 0);
      if (count <= 0) return;
      const groups = overInstances(ports, { cookie, business: 0, count });
      w.streams = (await ask(w, { type: 'open', port, path: STREAM_PATH, groups }, 'opened')).streams;
      w.businesses.set(0, w.streams);
    }),
  );
}

/** CPU time (user + system, ms) a process has used, from /proc. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/** Resident memory (KiB) and CPU time (ms) of every app instance together. */
const serversRssKb = (servers: ChildProcess[]) => servers.reduce((n, c) => n + treeRssKb(c.pid!), 0);
const serversCpuMs = (servers: ChildProcess[]) => servers.reduce((n, c) => n + cpuMs(c.pid!), 0);
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

type Level = {
  streams: number;
  commits: number;
  events: number;
  expectedEvents: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  serverRssMb: number;
  rssPerStreamKb: number | null;
  /** CPU time per commit: the app server, and the client workers together. */
  serverCpuMsPerCommit: number;
  clientsCpuMsPerCommit: number;
};

/** A level of the spread scenario: `streams` over `businesses`, each commit to one of them. */
type SpreadLevel = {
  streams: number;
  businesses: number;
  largestBusinessStreams: number;
  medianBusinessStreams: number;
  commits: number;
  /** Events read by the streams of the business each commit went to, against how many such streams there were. */
  events: number;
  expectedEvents: number;
  /** Events read by a stream of any other business: tenant isolation, must be 0. */
  misdeliveries: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  serverRssMb: number;
  serverCpuMsPerCommit: number;
  clientsCpuMsPerCommit: number;
};

/**
 * The businesses of one spread level (sizes[b] streams in business b) and a user per stream, the
 * first of each business its captain, the rest crew. Inserted directly (a few thousand rows): the
 * streams only need real users, businesses and memberships for the session re-check.
 */
async function seedSpread(
  pool: pg.Pool,
  level: number,
  sizes: number[],
): Promise<{ businessIds: string[]; sessions: { business: number; session: SessionGrant }[] }> {
  const businessIds = sizes.map(() => randomUUID());
  const sessions: { business: number; session: SessionGrant }[] = [];
  sizes.forEach((n, business) => {
    for (let j = 0; j < n; j++) {
      const session: SessionGrant = {
        userId: randomUUID(),
        businessId: businessIds[business]!,
        rank: j === 0 ? 'captain' : 'crew',
        name: `Live bench ${business}.${j}`,
        email: `live-${level}-${business}-${j}@bench.fuse.dev`,
        theme: 'light',
        sessionVersion: 1,
        sessionId: randomUUID(),
        sessionExpiresAt: Math.floor(Date.now() / 1000) + 86_400,
      };
      sessions.push({ business, session });
    }
  });
  const column = <K extends keyof SessionGrant>(k: K) => sessions.map((s) => s.session[k]);
  await pool.query(`insert into businesses (id, name) select * from unnest($1::uuid[], $2::text[])`, [
    businessIds,
    sizes.map((_, b) => `Live bench ${level} #${b}`),
  ]);
  await pool.query(
    `insert into users (id, email, name, password_hash, session_version)
     select id, email, name, '!no-password', 1 from unnest($1::uuid[], $2::text[], $3::text[]) as u(id, email, name)`,
    [column('userId'), column('email'), column('name')],
  );
  await pool.query(`insert into memberships (business_id, user_id, rank) select * from unnest($1::uuid[], $2::uuid[], $3::text[])`, [
    column('businessId'),
    column('userId'),
    column('rank'),
  ]);
  // Each cookie names a live session (a refresh re-checks it).
  await pool.query(
    `insert into sessions (id, user_id, expires_at) select id, user_id, now() + interval '1 day' from unnest($1::uuid[], $2::uuid[]) as s(id, user_id)`,
    [column('sessionId'), column('userId')],
  );
  return { businessIds, sessions };
}

type SpreadContext = { pool: pg.Pool; db: Database; workers: Worker[]; ports: number[]; servers: ChildProcess[]; cookieName: string };

/** One level of the spread scenario: fresh businesses and streams, commits to businesses picked by their size. */
async function runSpreadLevel(level: number, { pool, db, workers, ports, servers, cookieName }: SpreadContext): Promise<SpreadLevel> {
  const port = ports[0]!;
  const sizes = spreadStreams(level, SPREAD);
  const { businessIds, sessions } = await seedSpread(pool, level, sizes);
  // The previous level's streams (or the one-business scenario's) close first.
  await Promise.all(
    workers.map(async (w) => {
      w.streams = (await ask(w, { type: 'reset' }, 'opened')).streams;
      w.businesses.clear();
      w.allOf.clear();
    }),
  );
  await sleep(1500);
  // Cookies minted with the server's secret, for users that exist: the same as signing each in, minus thousands of argon2 hashes.
  const secret = new TextEncoder().encode(SECRET);
  const groups: OpenGroup[][] = workers.map(() => []);
  for (let k = 0; k < sessions.length; k++) {
    const { business, session } = sessions[k]!;
    // Dealt in turn, so that with several workers each holds part of every large business.
    const w = k % workers.length;
    groups[w]!.push({ cookie: `${cookieName}=${await mintSessionToken(session, secret)}`, business, count: 1, port: ports[k % ports.length] });
    workers[w]!.businesses.set(business, (workers[w]!.businesses.get(business) ?? 0) + 1);
  }
  log(`spread: opening ${level} streams over ${sizes.length} businesses (largest ${sizes[0]}, median ${sizes[sizes.length >> 1]})`);
  await Promise.all(
    workers.map(async (w, i) => (w.streams = (await ask(w, { type: 'open', port, path: STREAM_PATH, groups: groups[i]! }, 'opened')).streams)),
  );
  const streams = workers.reduce((n, w) => n + w.streams, 0);
  if (streams !== level) throw new Error(`spread: ${streams} streams open, expected ${level}`);
  await sleep(1500);
  const rssKb = serversRssKb(servers);

  const pick = weightedPicker(sizes, seededRandom(SPREAD.seed + level));
  const committedAt = new Map<number, bigint>();
  const committedTo = new Map<number, number>();
  let expectedEvents = 0;
  const cpuBefore = { server: serversCpuMs(servers), clients: workers.reduce((n, w) => n + cpuMs(w.child.pid!), 0) };
  log(`spread: ${streams} streams: ${SPREAD_COMMITS} commits`);
  for (let i = 0; i < SPREAD_COMMITS; i++) {
    const business = pick();
    // A clients change: every stream, crew or captain, may read it, so each reaches them all.
    const id = await db.transaction((tx) =>
      recordChange(tx, { businessId: businessIds[business]!, domain: 'clients', kind: 'upsert', entityId: i, data: { i } }),
    );
    committedAt.set(id, process.hrtime.bigint());
    committedTo.set(id, business);
    expectedEvents += sizes[business]!;
    const key = allKey(id, business);
    const deadline = performance.now() + 5_000;
    while (workers.some((w) => w.businesses.has(business) && !w.allOf.has(key)) && performance.now() < deadline) await sleep(2);
    await sleep(20);
  }
  const cpu = {
    server: serversCpuMs(servers) - cpuBefore.server,
    clients: workers.reduce((n, w) => n + cpuMs(w.child.pid!), 0) - cpuBefore.clients,
  };
  // An event sent to the wrong business would travel with the right ones; a moment for stragglers before counting.
  await sleep(250);
  const reports = await Promise.all(workers.map((w) => ask(w, { type: 'report' }, 'times')));
  const all: number[] = [];
  let misdeliveries = 0;
  for (const r of reports) {
    for (let k = 0; k < r.ids.length; k++) {
      const id = r.ids[k]!;
      if (committedTo.get(id) !== r.businesses[k]) {
        misdeliveries++;
        continue;
      }
      all.push(Math.max(0, (r.times[k]! - Number(committedAt.get(id)!)) / 1e6));
    }
  }
  all.sort((a, b) => a - b);
  const r: SpreadLevel = {
    streams,
    businesses: sizes.length,
    largestBusinessStreams: sizes[0]!,
    medianBusinessStreams: sizes[sizes.length >> 1]!,
    commits: SPREAD_COMMITS,
    events: all.length,
    expectedEvents,
    misdeliveries,
    p50Ms: +percentile(all, 50).toFixed(2),
    p90Ms: +percentile(all, 90).toFixed(2),
    p99Ms: +percentile(all, 99).toFixed(2),
    maxMs: +(all[all.length - 1] ?? NaN).toFixed(2),
    serverRssMb: +(rssKb / 1024).toFixed(1),
    serverCpuMsPerCommit: +(cpu.server / SPREAD_COMMITS).toFixed(1),
    clientsCpuMsPerCommit: +(cpu.clients / SPREAD_COMMITS).toFixed(1),
  };
  log(`spread: ${JSON.stringify(r)}`);
  return r;
}

async function main() {
  buildIfNeeded();
  const loadAtStart = os.loadavg();
  const server = pgServerUrl();
  const name = `fuse_live_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const dbUrl = new URL(server);
  dbUrl.pathname = `/${name}`;
  const databaseUrl = dbUrl.toString();
  log(`database ${name}: migrate and seed the demo business`);
  await migrateDatabase(databaseUrl);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const db = drizzle({ client: pool }) as unknown as Database;
  await seedDemo(db as never);

  const started = await Promise.all(Array.from({ length: INSTANCES }, () => startServer(databaseUrl)));
  const { url } = started[0]!;
  const servers = started.map((s) => s.child);
  const ports = started.map((s) => Number(new URL(s.url).port));
  const results: Level[] = [];
  const spreadResults: SpreadLevel[] = [];
  const workers = startWorkers(WORKERS);
  try {
    const signIn = await fetch(`${url}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: DEMO.captain.email, password: DEMO.password }),
    });
    if (signIn.status !== 200) throw new Error(`sign-in failed: ${signIn.status}`);
    const cookie = signIn.headers.getSetCookie()[0]!.split(';')[0]!;
    const { businessId } = (await signIn.json()) as { businessId: string };

    // Warm up the route and the hub, then take the baseline memory with one stream open.
    await openStreams(workers, 1, ports, cookie);
    await sleep(1000);
    const baselineKb = serversRssKb(servers);

    for (const level of LEVELS) {
      log(`opening streams: ${workers.reduce((n, w) => n + w.streams, 0)} → ${level}`);
      await openStreams(workers, level, ports, cookie);
      const streams = workers.reduce((n, w) => n + w.streams, 0);
      await sleep(1500);
      const rssKb = serversRssKb(servers);
      for (const w of workers) w.allOf.clear();
      const committedAt = new Map<number, bigint>();
      const cpuBefore = { server: serversCpuMs(servers), clients: workers.reduce((n, w) => n + cpuMs(w.child.pid!), 0) };
      log(`${streams} streams: ${COMMITS} commits`);
      for (let i = 0; i < COMMITS; i++) {
        const id = await db.transaction((tx) => recordChange(tx, { businessId, domain: 'clients', kind: 'upsert', entityId: i, data: { i } }));
        committedAt.set(id, process.hrtime.bigint());
        // Let the fan-out finish before the next commit (the benchmark measures latency, not throughput).
        const deadline = performance.now() + 5_000;
        while (workers.some((w) => w.streams > 0 && !w.allOf.has(allKey(id, 0))) && performance.now() < deadline) await sleep(2);
        await sleep(20);
      }
      const cpu = {
        server: serversCpuMs(servers) - cpuBefore.server,
        clients: workers.reduce((n, w) => n + cpuMs(w.child.pid!), 0) - cpuBefore.clients,
      };
      const reports = await Promise.all(workers.map((w) => ask(w, { type: 'report' }, 'times')));
      const all: number[] = [];
      for (const r of reports) {
        for (let k = 0; k < r.ids.length; k++) {
          const committed = committedAt.get(r.ids[k]!);
          // A receipt can come before the commit's own round trip returns here: count it as 0.
          if (committed !== undefined) all.push(Math.max(0, (r.times[k]! - Number(committed)) / 1e6));
        }
      }
      all.sort((a, b) => a - b);
      const r: Level = {
        streams,
        commits: COMMITS,
        events: all.length,
        expectedEvents: COMMITS * streams,
        p50Ms: +percentile(all, 50).toFixed(2),
        p90Ms: +percentile(all, 90).toFixed(2),
        p99Ms: +percentile(all, 99).toFixed(2),
        maxMs: +(all[all.length - 1] ?? NaN).toFixed(2),
        serverRssMb: +(rssKb / 1024).toFixed(1),
        rssPerStreamKb: streams > 1 ? +((rssKb - baselineKb) / (streams - 1)).toFixed(1) : null,
        serverCpuMsPerCommit: +(cpu.server / COMMITS).toFixed(1),
        clientsCpuMsPerCommit: +(cpu.clients / COMMITS).toFixed(1),
      };
      log(JSON.stringify(r));
      results.push(r);
    }

    const cookieName = cookie.slice(0, cookie.indexOf('='));
    for (const level of SPREAD_LEVELS) spreadResults.push(await runSpreadLevel(level, { pool, db, workers, ports, servers, cookieName }));
  } finally {
    for (const w of workers) if (w.child.connected) w.child.send({ type: 'close' });
    await Promise.all(started.map((s) => s.stop()));
    // pool.end() resolves before its connections have closed: the forced drop below may kill one, which is no error here.
    pool.on('error', () => undefined);
    await pool.end();
    if (!process.argv.includes('--keep-db')) {
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    }
  }

  const date = new Date().toISOString().slice(0, 10);
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? '',
    memoryGb: +(os.totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
  };
  const clients = {
    workers: WORKERS,
    path: STREAM_PATH,
    transport: 'raw net sockets in forked processes (bench/live-clients.ts)',
    clock: 'process.hrtime.bigint()',
  };
  // `results` is the one-business worst case (the goal is judged on it); `spread` the streams spread over many businesses.
  const spread = SPREAD_LEVELS.length
    ? {
        method: `round(streams / ${SPREAD.perBusiness}) businesses, one stream each, the rest by Zipf's law (skew ${SPREAD.skew}); each commit to one business picked in proportion to its streams (seed ${SPREAD.seed})`,
        streamsPerBusiness: SPREAD.perBusiness,
        skew: SPREAD.skew,
        seed: SPREAD.seed,
        commits: SPREAD_COMMITS,
        results: spreadResults,
      }
    : undefined;
  const out = {
    benchmark: 'live',
    instances: INSTANCES,
    date: new Date().toISOString(),
    machine,
    loadAverage: { start: loadAtStart, end: os.loadavg() },
    clients,
    goal: 'p99 < 50 ms at 5,000 streams',
    results,
    spread,
  };
  const dir = OUT_DIR;
  mkdirSync(dir, { recursive: true });
  const base = INSTANCES > 1 ? `live-${date}-${INSTANCES}-instances` : `live-${date}`;
  writeFileSync(path.join(dir, `${base}.json`), JSON.stringify(out, null, 2) + '\n');
  const loadText = (l: number[]) => l.map((n) => n.toFixed(2)).join(', ');
  const md = [
    `# Live changes: commit → event latency (${date})`,
    '',
    `Machine: ${machine.cpus} CPU (${machine.cpuModel}), ${machine.memoryGb} GB, Node ${machine.node}; load average (1, 5, 15 min) at the start ${loadText(loadAtStart)}, at the end ${loadText(os.loadavg())}.`,
    `${INSTANCES > 1 ? `${INSTANCES} production servers (\`next start\`, one process per CPU) on one PostgreSQL database, the streams dealt over them in turn as a load balancer would; server RSS and CPU are their sums` : 'One production server (`next start`) on PostgreSQL'}, all on this machine. The streams are held by`,
    `${WORKERS} client worker process${WORKERS === 1 ? '' : 'es'} (bench/live-clients.ts: raw \`net\` sockets, a hand-written request, the bytes`,
    'scanned for `id:` lines); the commits come from the benchmark process. Latency = commit returned in the',
    'benchmark process → event read in a worker, both on `process.hrtime.bigint()` (CLOCK_MONOTONIC, one clock',
    `for every process). Each level: ${COMMITS} commits, one at a time (the next after every stream has the event).`,
    `Streams opened at \`${STREAM_PATH}\`${STREAM_PATH === '/api/live' ? '' : " (Next's route handler)"}.`,
    'CPU per commit: user + system time of the server, and of the client workers together, over the level.',
    '',
    '## One business: the worst case',
    '',
    'Every stream is signed in to the demo business, so every commit reaches all of them.',
    '',
    '| open streams | events | p50 ms | p90 ms | p99 ms | max ms | server RSS MB | RSS per stream KB | server CPU ms/commit | clients CPU ms/commit |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...results.map(
      (r) =>
        `| ${r.streams} | ${r.events}/${r.expectedEvents} | ${r.p50Ms} | ${r.p90Ms} | ${r.p99Ms} | ${r.maxMs} | ${r.serverRssMb} | ${r.rssPerStreamKb ?? '–'} | ${r.serverCpuMsPerCommit} | ${r.clientsCpuMsPerCommit} |`,
    ),
    '',
    'Goal: p99 under 50 ms at 5,000 streams.',
    '',
    ...(spread
      ? [
          '## Spread over many businesses (information)',
          '',
          'As a real deployment holds them: the same number of streams, each a user of its own, spread over many businesses,',
          `and each commit fans out to the streams of its business only. How the streams are spread: N streams over N / ${SPREAD.perBusiness}`,
          `businesses; each business has one, and the rest are split by Zipf's law (the k-th largest business gets a share ∝ 1 / k${SPREAD.skew === 1 ? '' : `^${SPREAD.skew}`}),`,
          'the usual shape of tenant sizes: a few businesses with hundreds of open pages, most with one to three',
          `(\`--spread-per-business\`, \`--spread-skew\`; skew 0 gives every business ${SPREAD.perBusiness}). Each level: ${SPREAD_COMMITS} commits, one at a time, each to one`,
          'business picked at random in proportion to its streams (a seeded generator: the same businesses on every run), so the',
          "large businesses get most of the commits, as they would. Latency = commit returned → event read, on that business's",
          'streams only ("events": read / streams of the business committed to, summed over the commits). "Misdelivered": events read',
          'by a stream of any other business, counted 250 ms after the last commit: tenant isolation under load, must be 0.',
          'Fresh businesses and streams at each level; server RSS includes what the one-business levels left behind.',
          '',
          '| open streams | businesses | largest / median business (streams) | events | misdelivered | p50 ms | p90 ms | p99 ms | max ms | server RSS MB | server CPU ms/commit | clients CPU ms/commit |',
          '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
          ...spreadResults.map(
            (r) =>
              `| ${r.streams} | ${r.businesses} | ${r.largestBusinessStreams} / ${r.medianBusinessStreams} | ${r.events}/${r.expectedEvents} | ${r.misdeliveries} | ${r.p50Ms} | ${r.p90Ms} | ${r.p99Ms} | ${r.maxMs} | ${r.serverRssMb} | ${r.serverCpuMsPerCommit} | ${r.clientsCpuMsPerCommit} |`,
          ),
          '',
        ]
      : []),
  ].join('\n');
  writeFileSync(path.join(dir, `${base}.md`), md);
  const written = path.join(dir, base);
  log(`wrote ${written.startsWith(ROOT + path.sep) ? path.relative(ROOT, written) : written}.json and .md`);
  process.stdout.write(md);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
