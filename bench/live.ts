/**
 * `npm run bench:live`: latency from commit to event received on open live streams, with 1, 100,
 * 1,000 and 5,000 streams held open against a local production server on PostgreSQL, and the
 * server's memory per open stream. Writes bench/results/live-<date>.json and .md.
 *
 * The streams are held by client worker processes (bench/live-clients.ts, raw sockets), not by
 * this process, which only commits: latency = commit returned here → event read by a worker, both
 * on process.hrtime.bigint() (CLOCK_MONOTONIC, shared by every process on the machine).
 *
 * Options: --levels 1,100,1000,5000  --commits 40  --workers 1  --keep-db
 *   --path /api/./live: the same stream through Next's route handler (the Node server only answers
 *   the exact path /api/live itself), to compare the two transports.
 * Env: DATABASE_URL (PostgreSQL server to create the benchmark database on; default
 * postgres://<user>@127.0.0.1:5432/postgres), FUSE_DIST_DIR (build directory; default .next-live-bench),
 * BENCH_SERVER_NODE_ARGS (extra node flags for the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
 */
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { seedDemo, DEMO } from '../src/cli/demo-data';
import type { Database } from '../src/fuse/db/client';
import { migrateDatabase } from '../src/fuse/db/migrate';
import { recordChange } from '../src/fuse/live/outbox';
import { buildIfStale, freePort } from '../src/fuse/tooling/build';

const ROOT = path.resolve(import.meta.dirname, '..');
const DIST_DIR = process.env.FUSE_DIST_DIR || '.next-live-bench';
const SECRET = 'live-bench-session-secret-that-is-long-enough-0123456789';
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const LEVELS = (arg('--levels') ?? '1,100,1000,5000').split(',').map(Number);
const COMMITS = Number(arg('--commits') ?? 40);
// One worker by default: with two, three busy processes share the 2 CPUs and the server's fan-out waits (p99 98 vs 83 ms at 5,000).
const WORKERS = Number(arg('--workers') ?? 1);
const STREAM_PATH = arg('--path') ?? '/api/live';
const log = (m: string) => process.stderr.write(`bench:live: ${m}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pgServerUrl(): string {
  const url = new URL(process.env.DATABASE_URL || 'postgres://127.0.0.1:5432/postgres');
  if (!url.username) url.username = os.userInfo().username;
  return url.toString();
}

function buildIfNeeded() {
  if (!buildIfStale(ROOT, { distDir: DIST_DIR, onBuild: log })) log(`reusing the build in ${DIST_DIR}`);
}

async function startServer(databaseUrl: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  // e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, path.join(ROOT, 'node_modules/next/dist/bin/next'), 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      FUSE_DIST_DIR: DIST_DIR,
      DATABASE_URL: databaseUrl,
      SESSION_SECRET: SECRET,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_MAX: '100000000',
      REDIS_URL: '',
      DB_POOL_MAX: '20',
    },
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode})`);
    try {
      if ((await fetch(`${url}/sign-in`, { redirect: 'manual' })).status < 500) return { url, child };
    } catch {
      /* starting */
    }
    if (Date.now() > deadline) throw new Error('server did not start within 60 s');
    await sleep(250);
  }
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

/** Client worker processes (bench/live-clients.ts) holding the streams, with the same monotonic clock as this one. */
type Worker = { child: ChildProcess; streams: number; allOf: Set<number> };
type WorkerMessage =
  | { type: 'opened'; streams: number }
  | { type: 'all'; id: number }
  | { type: 'times'; ids: number[]; times: number[] }
  | { type: 'error'; message: string };

function startWorkers(count: number): Worker[] {
  return Array.from({ length: count }, () => {
    const child = fork(path.join(ROOT, 'bench/live-clients.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const worker: Worker = { child, streams: 0, allOf: new Set() };
    child.on('message', (m: WorkerMessage) => {
      if (m.type === 'all') worker.allOf.add(m.id);
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

/** Opens streams until `total` are open, spread evenly over the workers. */
async function openStreams(workers: Worker[], total: number, port: number, cookie: string) {
  const have = workers.reduce((n, w) => n + w.streams, 0);
  const more = total - have;
  await Promise.all(
    workers.map(async (w, i) => {
      const count = Math.floor(more / workers.length) + (i < more % workers.length ? 1 : 0);
      if (count <= 0) return;
      w.streams = (await ask(w, { type: 'open', count, port, cookie, path: STREAM_PATH }, 'opened')).streams;
    }),
  );
}

/** CPU time (user + system, ms) a process has used, from /proc. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}
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

  const { url, child } = await startServer(databaseUrl);
  const port = Number(new URL(url).port);
  const results: Level[] = [];
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
    await openStreams(workers, 1, port, cookie);
    await sleep(1000);
    const baselineKb = treeRssKb(child.pid!);

    for (const level of LEVELS) {
      log(`opening streams: ${workers.reduce((n, w) => n + w.streams, 0)} → ${level}`);
      await openStreams(workers, level, port, cookie);
      const streams = workers.reduce((n, w) => n + w.streams, 0);
      await sleep(1500);
      const rssKb = treeRssKb(child.pid!);
      for (const w of workers) w.allOf.clear();
      const committedAt = new Map<number, bigint>();
      const cpuBefore = { server: cpuMs(child.pid!), clients: workers.reduce((n, w) => n + cpuMs(w.child.pid!), 0) };
      log(`${streams} streams: ${COMMITS} commits`);
      for (let i = 0; i < COMMITS; i++) {
        const id = await db.transaction((tx) =>
          recordChange(tx, { businessId, domain: 'bench', kind: 'ping', entityId: i, data: { i } }),
        );
        committedAt.set(id, process.hrtime.bigint());
        // Let the fan-out finish before the next commit (the benchmark measures latency, not throughput).
        const deadline = performance.now() + 5_000;
        while (workers.some((w) => w.streams > 0 && !w.allOf.has(id)) && performance.now() < deadline) await sleep(2);
        await sleep(20);
      }
      const cpu = {
        server: cpuMs(child.pid!) - cpuBefore.server,
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
  } finally {
    for (const w of workers) if (w.child.connected) w.child.send({ type: 'close' });
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
    await pool.end();
    if (!process.argv.includes('--keep-db')) {
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    }
  }

  const date = new Date().toISOString().slice(0, 10);
  const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '', memoryGb: +(os.totalmem() / 2 ** 30).toFixed(1), node: process.version };
  const clients = { workers: WORKERS, path: STREAM_PATH, transport: 'raw net sockets in forked processes (bench/live-clients.ts)', clock: 'process.hrtime.bigint()' };
  const out = { benchmark: 'live', date: new Date().toISOString(), machine, loadAverage: { start: loadAtStart, end: os.loadavg() }, clients, goal: 'p99 < 50 ms at 5,000 streams', results };
  const dir = path.join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `live-${date}.json`), JSON.stringify(out, null, 2) + '\n');
  const loadText = (l: number[]) => l.map((n) => n.toFixed(2)).join(', ');
  const md = [
    `# Live changes: commit → event latency (${date})`,
    '',
    `Machine: ${machine.cpus} CPU (${machine.cpuModel}), ${machine.memoryGb} GB, Node ${machine.node}; load average (1, 5, 15 min) at the start ${loadText(loadAtStart)}, at the end ${loadText(os.loadavg())}.`,
    'One production server (`next start`) on PostgreSQL, all on this machine. The streams are held by',
    `${WORKERS} client worker process${WORKERS === 1 ? '' : 'es'} (bench/live-clients.ts: raw \`net\` sockets, a hand-written request, the bytes`,
    'scanned for `id:` lines); the commits come from the benchmark process. Latency = commit returned in the',
    'benchmark process → event read in a worker, both on `process.hrtime.bigint()` (CLOCK_MONOTONIC, one clock',
    `for every process). Each level: ${COMMITS} commits, one at a time (the next after every stream has the event).`,
    `Streams opened at \`${STREAM_PATH}\`${STREAM_PATH === '/api/live' ? '' : " (Next's route handler)"}.`,
    'CPU per commit: user + system time of the server, and of the client workers together, over the level.',
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
  ].join('\n');
  writeFileSync(path.join(dir, `live-${date}.md`), md);
  log(`wrote bench/results/live-${date}.json and .md`);
  process.stdout.write(md);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
