/**
 * What the benchmark, the load test and the scale demo share: the scale-target database, the production
 * build, an app server started on it, and a signed-in session cookie.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migrateDatabase } from '../src/fuse/db/migrate';
import { seedScale, describeScaleResult, type ScaleResult } from '../src/cli/scale-seed';
import { buildIfStale, freePort } from '../src/fuse/tooling/build';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const DIST_DIR = process.env.FUSE_DIST_DIR || '.next-bench';
export const BENCH_SECRET = process.env.SESSION_SECRET || 'bench-session-secret-that-is-long-enough-0123456789abcdef';
export const PG_SERVER = process.env.BENCH_PG_SERVER || `postgres://${os.userInfo().username}@127.0.0.1:5432/postgres`;
export const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

export function log(message: string) {
  process.stderr.write(`bench: ${message}\n`);
}

export function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

export const flag = (name: string) => process.argv.includes(name);

/** Creates the benchmark database if needed, migrates it and loads the scale-target set (skipped when present). */
export async function ensureScaleDatabase(name: string, scale: number): Promise<{ url: string; seed: ScaleResult }> {
  const admin = new pg.Client({ connectionString: PG_SERVER });
  await admin.connect();
  const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
  if (exists.rowCount === 0) await admin.query(`create database "${name}"`);
  await admin.end();
  const url = new URL(PG_SERVER);
  url.pathname = `/${name}`;
  await migrateDatabase(url.toString());
  const pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
  try {
    const seed = await seedScale(pool, { scale });
    for (const line of describeScaleResult(seed)) log(line);
    return { url: url.toString(), seed };
  } finally {
    await pool.end();
  }
}

/** Builds into DIST_DIR when stale; `--no-build` or BENCH_NO_BUILD=1 uses any build already there. */
export function buildIfNeeded(): void {
  const keep = process.argv.includes('--no-build') || process.env.BENCH_NO_BUILD === '1';
  if (keep && existsSync(path.join(ROOT, DIST_DIR, 'BUILD_ID'))) return log(`reusing the production build in ${DIST_DIR} as it is`);
  const t = Date.now();
  if (buildIfStale(ROOT, { distDir: DIST_DIR, onBuild: log })) log(`built in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  else log(`reusing the production build in ${DIST_DIR}`);
}

export { freePort };

export type Server = { url: string; port: number; child: ChildProcess; output: () => string; stop: () => Promise<void> };

async function waitFor(url: string, child: ChildProcess, output: () => string, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${output()}`);
    try {
      // Up when it answers: /api/health where it exists, else the given page.
      const health = await fetch(new URL('/api/health', url), { redirect: 'manual' });
      if (health.status === 200) return;
      const res = await fetch(url, { redirect: 'manual' });
      if (res.status < 500) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`server did not answer within ${timeoutMs / 1000} s:\n${output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
}

/**
 * `next start` from the benchmark build on the scale-target database, with the rate limit lifted for load.
 * `distDir`: another build directory; `nodeArgs`: flags for the server's node (e.g. --cpu-prof).
 */
export async function startApp(
  databaseUrl: string,
  env: Record<string, string> = {},
  options: { distDir?: string; nodeArgs?: string[] } = {},
): Promise<Server> {
  const p = await freePort();
  let out = '';
  const args = [...(options.nodeArgs ?? []), path.join(ROOT, 'node_modules/next/dist/bin/next'), 'start', '-p', String(p), '-H', '127.0.0.1'];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      FUSE_DIST_DIR: options.distDir ?? DIST_DIR,
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      SESSION_SECRET: BENCH_SECRET,
      // The benchmark measures FUSE, not its limiter: lift the per-IP limits (every request comes
      // from 127.0.0.1). scale:demo keeps the real limits and proves they hold across instances.
      RATE_LIMIT_MAX: '100000000',
      AUTH_RATE_LIMIT_MAX: '100000000',
      AUTH_ACCOUNT_RATE_LIMIT_MAX: '100000000',
      REDIS_PREFIX: `fuse-bench-${process.pid}:`,
      LOG_LEVEL: 'warn',
      ...env,
    },
  });
  child.stdout!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  child.stderr!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  const url = `http://127.0.0.1:${p}`;
  try {
    await waitFor(`${url}/sign-in`, child, () => out);
  } catch (err) {
    await stopper(child)();
    throw err;
  }
  return { url, port: p, child, output: () => out, stop: stopper(child) };
}

/** A bare node:http server answering a small JSON body: the floor no framework can beat. */
export async function startRawFloor(): Promise<Server> {
  const p = await freePort();
  const code = `require('node:http').createServer((q, s) => { s.writeHead(200, {'content-type': 'application/json'}); s.end('{"ok":true}'); }).listen(${p}, '127.0.0.1')`;
  const child = spawn(process.execPath, ['-e', code], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${p}`;
  await waitFor(url, child, () => '');
  return { url, port: p, child, output: () => '', stop: stopper(child) };
}

/** The bare Next.js floor (bench/bare-next): the same work as FUSE's client list, nothing of FUSE. */
export const BARE_NEXT_DIR = path.join(ROOT, 'bench/bare-next');
const BARE_STAMP = path.join(BARE_NEXT_DIR, '.next/fuse-bench-inputs');

/** A hash of what the bare build is made from: its own files and the installed Next.js version. */
function bareInputs(dir = BARE_NEXT_DIR, hash = createHash('sha256')): string {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name === '.next' || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) bareInputs(full, hash);
    else hash.update(path.relative(BARE_NEXT_DIR, full)).update('\0').update(readFileSync(full)).update('\0');
  }
  if (dir === BARE_NEXT_DIR) hash.update(readFileSync(path.join(ROOT, 'node_modules/next/package.json')));
  return dir === BARE_NEXT_DIR ? hash.digest('hex') : '';
}

const bareNext = () => path.join(BARE_NEXT_DIR, 'node_modules/next/dist/bin/next');

/**
 * The bare app is its own Next.js root (with the repository as root, Next finds and builds the
 * repository's src/instrumentation.ts and src/proxy.ts into it), and a root cannot read files
 * outside itself: its node_modules is a hard-linked copy of the repository's (no disk, a second).
 * It runs its own copy of next, so there is one React.
 */
function linkBareModules(): void {
  const own = path.join(BARE_NEXT_DIR, 'node_modules/next/package.json');
  const repo = path.join(ROOT, 'node_modules/next/package.json');
  if (existsSync(own) && readFileSync(own, 'utf8') === readFileSync(repo, 'utf8')) return;
  rmSync(path.join(BARE_NEXT_DIR, 'node_modules'), { recursive: true, force: true });
  const r = spawnSync('cp', ['-al', path.join(ROOT, 'node_modules'), path.join(BARE_NEXT_DIR, 'node_modules')], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('could not link node_modules into bench/bare-next');
}

/** Builds the bare floor unless its last build was made from the same inputs. */
export function buildBareNext(): void {
  linkBareModules();
  const inputs = bareInputs();
  if (existsSync(BARE_STAMP) && readFileSync(BARE_STAMP, 'utf8') === inputs) return log('reusing the bare Next.js build in bench/bare-next/.next');
  log('next build → bench/bare-next/.next (first run, or its files changed)');
  const t = Date.now();
  const r = spawnSync(process.execPath, [bareNext(), 'build'], {
    cwd: BARE_NEXT_DIR,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (r.status !== 0) throw new Error(`next build of bench/bare-next failed (exit ${r.status})`);
  writeFileSync(BARE_STAMP, inputs);
  log(`built the bare Next.js floor in ${((Date.now() - t) / 1000).toFixed(0)} s`);
}

/** `next start` of the bare floor on the same database, verifying cookies with the same secret. */
export async function startBareNext(databaseUrl: string, options: { nodeArgs?: string[] } = {}): Promise<Server> {
  const p = await freePort();
  let out = '';
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), bareNext(), 'start', '-p', String(p), '-H', '127.0.0.1'], {
    cwd: BARE_NEXT_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', DATABASE_URL: databaseUrl, SESSION_SECRET: BENCH_SECRET },
  });
  child.stdout!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  child.stderr!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  const url = `http://127.0.0.1:${p}`;
  try {
    await waitFor(`${url}/api/clients`, child, () => out);
  } catch (err) {
    await stopper(child)();
    throw err;
  }
  return { url, port: p, child, output: () => out, stop: stopper(child) };
}

/** Signs in through the real endpoint and returns the Cookie header value. */
export async function signInCookie(baseUrl: string, email: string, password: string): Promise<string> {
  let res: Response;
  for (let attempt = 1; ; attempt++) {
    res = await fetch(`${baseUrl}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: baseUrl },
      body: JSON.stringify({ email, password }),
      redirect: 'manual',
    });
    // 503: the sign-in limiter fails closed while the server's Redis connection is still opening.
    if (res.status !== 503 || attempt >= 10) break;
    await res.arrayBuffer();
    await new Promise((r) => setTimeout(r, 500));
  }
  if (res.status !== 200) throw new Error(`sign-in as ${email} failed: ${res.status} ${await res.text()}`);
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]!);
  if (cookies.length === 0) throw new Error('sign-in returned no cookie');
  return cookies.join('; ');
}

/**
 * CPU seconds a process (and the children it waited for) has used, read from /proc every 250 ms so
 * the last reading is at most that old when it exits. Linux only; null elsewhere.
 */
/**
 * One write through the API (a client's notes set to what they are): the seed writes rows without
 * outbox rows, and a business that never wrote has no outbox position, so its reads are never
 * cached. Every business the app has written for has one; the benchmark measures that case.
 */
export async function recordOneChange(baseUrl: string, cookie: string): Promise<void> {
  const list = await fetch(`${baseUrl}/api/clients?limit=1`, { headers: { cookie } });
  const first = ((await list.json()) as { items: { id: number; notes: string | null }[] }).items[0];
  if (!first) throw new Error('bench: the signed-in business has no clients');
  const res = await fetch(`${baseUrl}/api/clients/${first.id}`, {
    method: 'PATCH',
    headers: { cookie, 'content-type': 'application/json', origin: baseUrl },
    body: JSON.stringify({ notes: first.notes ?? '' }),
  });
  if (!res.ok) throw new Error(`bench: PATCH /api/clients/${first.id} answered ${res.status}: ${await res.text()}`);
}

export function cpuMeter(pid: number | undefined): { seconds: () => number | null; stop: () => number | null } {
  const ticks = 100; // USER_HZ: 100 on every Linux the benchmarks run on.
  const read = (): number | null => {
    try {
      // Fields after the command name (which may hold spaces): utime stime cutime cstime are 14–17.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / ticks;
    } catch {
      return null;
    }
  };
  const start = pid ? read() : null;
  let last = start;
  const timer = setInterval(() => {
    const now = read();
    if (now !== null) last = now;
  }, 250);
  timer.unref();
  const used = () => (start === null || last === null ? null : last - start);
  return {
    seconds: () => {
      const now = read();
      if (now !== null) last = now;
      return used();
    },
    stop: () => {
      clearInterval(timer);
      const now = read();
      if (now !== null) last = now;
      return used();
    },
  };
}

export function machine(postgres: string) {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    node: process.versions.node,
    postgres,
  };
}

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}
