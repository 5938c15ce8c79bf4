/**
 * `npm run bench:live`: latency from commit to event received on open live streams, with 1, 100,
 * 1,000 and 5,000 streams held open against a local production server on PostgreSQL, and the
 * server's memory per open stream. Writes bench/results/live-<date>.json and .md.
 *
 * Options: --levels 1,100,1000,5000  --commits 40  --keep-db
 * Env: DATABASE_URL (PostgreSQL server to create the benchmark database on; default
 * postgres://<user>@127.0.0.1:5432/postgres), FUSE_DIST_DIR (build directory; default .next-live-bench).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { seedDemo, DEMO } from '../src/cli/demo-data';
import type { Database } from '../src/fuse/db/client';
import { migrateDatabase } from '../src/fuse/db/migrate';
import { recordChange } from '../src/fuse/live/outbox';

const ROOT = path.resolve(import.meta.dirname, '..');
const DIST_DIR = process.env.FUSE_DIST_DIR || '.next-live-bench';
const SECRET = 'live-bench-session-secret-that-is-long-enough-0123456789';
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const LEVELS = (arg('--levels') ?? '1,100,1000,5000').split(',').map(Number);
const COMMITS = Number(arg('--commits') ?? 40);
const log = (m: string) => process.stderr.write(`bench:live: ${m}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pgServerUrl(): string {
  const url = new URL(process.env.DATABASE_URL || 'postgres://127.0.0.1:5432/postgres');
  if (!url.username) url.username = os.userInfo().username;
  return url.toString();
}

function newest(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const f = path.join(dir, e.name);
    n = Math.max(n, e.isDirectory() ? newest(f) : statSync(f).mtimeMs);
  }
  return n;
}

function buildIfNeeded() {
  const buildId = path.join(ROOT, DIST_DIR, 'BUILD_ID');
  const inputs = [newest(path.join(ROOT, 'src')), ...['next.config.ts', 'package.json'].map((f) => statSync(path.join(ROOT, f)).mtimeMs)];
  if (existsSync(buildId) && statSync(buildId).mtimeMs > Math.max(...inputs)) return log(`reusing the build in ${DIST_DIR}`);
  log(`next build → ${DIST_DIR}`);
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/next/dist/bin/next'), 'build'], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production', FUSE_DIST_DIR: DIST_DIR },
  });
  if (r.status !== 0) throw new Error('next build failed');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

async function startServer(databaseUrl: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/next/dist/bin/next'), 'start', '-p', String(port), '-H', '127.0.0.1'], {
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

type Stream = { req: http.ClientRequest; ready: Promise<void> };

const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
/** Receipt times by outbox id (as streams read them), and commit times (as the commit returned). */
const receivedAt = new Map<number, number[]>();
const committedAt = new Map<number, number>();

/**
 * A minimal event-stream reader: it only needs `id:` lines, so it scans for them instead of parsing
 * full events (thousands of streams share this one process).
 */
function openStream(url: string, cookie: string): Stream {
  let resolveReady!: () => void;
  let rejectReady!: (e: Error) => void;
  const ready = new Promise<void>((res, rej) => ((resolveReady = res), (rejectReady = rej)));
  const req = http.get(`${url}/api/live`, { agent, headers: { cookie, accept: 'text/event-stream' } }, (res) => {
    if (res.statusCode !== 200) return rejectReady(new Error(`stream refused: ${res.statusCode}`));
    res.setEncoding('utf8');
    let carry = '';
    res.on('data', (chunk: string) => {
      const now = performance.now();
      const text = carry + chunk;
      let at = 0;
      for (;;) {
        const i = text.indexOf('\n\n', at);
        if (i === -1) break;
        const block = text.slice(at, i);
        at = i + 2;
        if (block.startsWith('retry:')) resolveReady();
        else if (block.startsWith('id: ')) {
          // The receipt can be read before the commit's own promise continues: keep times, subtract later.
          receivedAt.get(Number(block.slice(4, block.indexOf('\n'))))?.push(now);
        }
      }
      carry = text.slice(at);
    });
    res.on('error', () => undefined);
  });
  req.on('error', (err) => rejectReady(err));
  return { req, ready };
}

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
};

async function main() {
  buildIfNeeded();
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
  const results: Level[] = [];
  const streams: Stream[] = [];
  try {
    const signIn = await fetch(`${url}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: DEMO.captain.email, password: DEMO.password }),
    });
    if (signIn.status !== 200) throw new Error(`sign-in failed: ${signIn.status}`);
    const cookie = signIn.headers.getSetCookie()[0]!.split(';')[0]!;
    const { businessId } = (await signIn.json()) as { businessId: string };

    // Warm up the routes and the hub, then take the baseline memory with one stream open.
    const warm = openStream(url, cookie);
    await warm.ready;
    streams.push(warm);
    await sleep(1000);
    const baselineKb = treeRssKb(child.pid!);

    for (const level of LEVELS) {
      log(`opening streams: ${streams.length} → ${level}`);
      while (streams.length < level) {
        const batch = Math.min(200, level - streams.length);
        const opened = Array.from({ length: batch }, () => openStream(url, cookie));
        streams.push(...opened);
        await Promise.all(opened.map((s) => s.ready));
      }
      await sleep(1500);
      const rssKb = treeRssKb(child.pid!);
      receivedAt.clear();
      committedAt.clear();
      log(`${level} streams: ${COMMITS} commits`);
      for (let i = 0; i < COMMITS; i++) {
        const id = await db.transaction(async (tx) => {
          const outboxId = await recordChange(tx, {
            businessId,
            domain: 'bench',
            kind: 'ping',
            entityId: i,
            data: { i },
          });
          receivedAt.set(outboxId, []);
          return outboxId;
        });
        committedAt.set(id, performance.now());
        // Let the fan-out finish before the next commit (the benchmark measures latency, not throughput).
        const deadline = performance.now() + 5_000;
        while (receivedAt.get(id)!.length < streams.length && performance.now() < deadline) await sleep(2);
        await sleep(20);
      }
      const all = [...receivedAt]
        .flatMap(([id, times]) => times.map((t) => Math.max(0, t - committedAt.get(id)!)))
        .sort((a, b) => a - b);
      const r: Level = {
        streams: streams.length,
        commits: COMMITS,
        events: all.length,
        expectedEvents: COMMITS * streams.length,
        p50Ms: +percentile(all, 50).toFixed(2),
        p90Ms: +percentile(all, 90).toFixed(2),
        p99Ms: +percentile(all, 99).toFixed(2),
        maxMs: +(all[all.length - 1] ?? NaN).toFixed(2),
        serverRssMb: +(rssKb / 1024).toFixed(1),
        rssPerStreamKb: streams.length > 1 ? +((rssKb - baselineKb) / (streams.length - 1)).toFixed(1) : null,
      };
      log(JSON.stringify(r));
      results.push(r);
    }
  } finally {
    for (const s of streams) s.req.destroy();
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
  const out = { benchmark: 'live', date: new Date().toISOString(), machine, goal: 'p99 < 50 ms at 5,000 streams', results };
  const dir = path.join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `live-${date}.json`), JSON.stringify(out, null, 2) + '\n');
  const md = [
    `# Live changes: commit → event latency (${date})`,
    '',
    `Machine: ${machine.cpus} CPU (${machine.cpuModel}), ${machine.memoryGb} GB, Node ${machine.node}. One production server`,
    '(`next start`) on PostgreSQL; the streams and the commits come from one benchmark process on the same machine.',
    `Each level: ${COMMITS} commits, one at a time; latency = commit returned → event read by each stream.`,
    '',
    '| open streams | events | p50 ms | p90 ms | p99 ms | max ms | server RSS MB | RSS per stream KB |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...results.map(
      (r) =>
        `| ${r.streams} | ${r.events}/${r.expectedEvents} | ${r.p50Ms} | ${r.p90Ms} | ${r.p99Ms} | ${r.maxMs} | ${r.serverRssMb} | ${r.rssPerStreamKb ?? '–'} |`,
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
