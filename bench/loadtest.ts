/**
 * `npm run loadtest` — the seed's Artillery load test (artillery.yml) against a local production
 * server on the scale-target database, reporting p95 / p99 and errors. Goal: 0 errors, p99 < 200 ms.
 *
 *   --short         the ~30 s profile (CI)
 *   --target URL    run against a server that is already up (no build, no server start)
 *   --scale N       data-set scale of the database to start on (default 1; 0.01 with --short)
 *   --label NAME    result file name suffix
 *   --gate errors   exit 1 only on errors (CI on a shared machine), not on a missed p99
 *   --knee          capacity: the same flow at constant arrival rates (--rates 5,10,20,…,
 *                   --step-seconds 30), rising until the goal breaks twice; reports the highest rate
 *                   that met it, with a chart (loadtest-<date>-knee.{json,md,svg}). The users sign in
 *                   before the first step (measured on their own) and the steps run the seed's flow
 *                   of returning users; --with-sign-ins makes each user's first arrival sign in.
 * Writes bench/results/loadtest-<date>[-short|-label].{json,md}. Exits 1 when the goal is missed.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { scaleUserEmail, SCALE_PASSWORD } from '../src/cli/scale-seed';
import { arg, buildIfNeeded, cpuMeter, ensureScaleDatabase, flag, log, machine, ROOT, startApp, today, type Server } from './lib';
import { renderSvg, type LoadPoint } from './report';

export type Profile = 'seed' | 'short' | 'knee';

export type LoadtestSummary = {
  target: string;
  profile: Profile;
  requests: number;
  codes: Record<string, number>;
  errors: Record<string, number>;
  errorCount: number;
  vusersCreated: number;
  vusersFailed: number;
  signIns: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  byEndpoint: Record<string, { p50: number; p95: number; p99: number; count: number }>;
  goalMet: boolean;
};

type Summary = { median?: number; p50?: number; p95: number; p99: number; max: number; count: number };
type ArtilleryReport = {
  aggregate: {
    counters: Record<string, number>;
    rates?: Record<string, number>;
    summaries: Record<string, Summary>;
  };
};

/** Reads an Artillery JSON report into the numbers the load test reports. */
export function summarize(report: ArtilleryReport, target: string, profile: Profile): LoadtestSummary {
  const { counters, summaries, rates } = report.aggregate;
  const codes: Record<string, number> = {};
  const errors: Record<string, number> = {};
  for (const [k, v] of Object.entries(counters)) {
    if (k.startsWith('http.codes.')) codes[k.slice('http.codes.'.length)] = v;
    else if (k.startsWith('errors.')) errors[k.slice('errors.'.length)] = v;
    else if (k.startsWith('fuse.not_served.') || k === 'fuse.sign_in_failed') errors[k] = v;
  }
  const badCodes = Object.entries(codes)
    .filter(([code]) => Number(code) >= 400)
    .reduce((a, [, v]) => a + v, 0);
  // A failed sign-in is already counted by its status code; a redirect away from the dashboard is not.
  const errorCount =
    Object.entries(errors)
      .filter(([k]) => k !== 'fuse.sign_in_failed')
      .reduce((a, [, v]) => a + v, 0) + badCodes;
  const rt = summaries['http.response_time'] ?? { p95: NaN, p99: NaN, max: NaN, count: 0 };
  const byEndpoint: LoadtestSummary['byEndpoint'] = {};
  for (const [k, s] of Object.entries(summaries)) {
    const m = /^plugins\.metrics-by-endpoint\.response_time\.(.+)$/.exec(k);
    if (m) byEndpoint[m[1]!] = { p50: s.median ?? s.p50 ?? NaN, p95: s.p95, p99: s.p99, count: s.count };
  }
  const summary: LoadtestSummary = {
    target,
    profile,
    requests: counters['http.requests'] ?? 0,
    codes,
    errors,
    errorCount,
    vusersCreated: counters['vusers.created'] ?? 0,
    vusersFailed: counters['vusers.failed'] ?? 0,
    signIns: counters['fuse.sign_ins'] ?? 0,
    rps: rates?.['http.request_rate'] ?? NaN,
    p50: rt.median ?? rt.p50 ?? NaN,
    p95: rt.p95,
    p99: rt.p99,
    max: rt.max,
    byEndpoint,
    goalMet: false,
  };
  summary.goalMet = summary.errorCount === 0 && summary.vusersFailed === 0 && summary.p99 < 200;
  return summary;
}

export function loadtestMarkdown(s: LoadtestSummary, when: string): string {
  return [
    `# FUSE load test — ${when} (${s.profile} profile)`,
    '',
    `Target ${s.target}. Seed goal: 0 errors, p99 < 200 ms. **${s.goalMet ? 'met' : 'missed'}**.`,
    '',
    `| Requests | Virtual users | Sign-ins | Errors | p50 ms | p95 ms | p99 ms | max ms |`,
    `|---:|---:|---:|---:|---:|---:|---:|---:|`,
    `| ${s.requests} | ${s.vusersCreated} (${s.vusersFailed} failed) | ${s.signIns} | ${s.errorCount} | ${s.p50} | ${s.p95} | ${s.p99} | ${s.max} |`,
    '',
    '| Endpoint | count | p50 ms | p95 ms | p99 ms |',
    '|---|---:|---:|---:|---:|',
    ...Object.entries(s.byEndpoint).map(([k, v]) => `| ${k} | ${v.count} | ${v.p50} | ${v.p95} | ${v.p99} |`),
    '',
    `Status codes: ${JSON.stringify(s.codes)}. Errors: ${JSON.stringify(s.errors)}.`,
    '',
  ].join('\n');
}

type Phase = { name: string; duration: number; arrivalRate: number };

/** Runs artillery.yml against `target` (its seed or short phases, or `phases` instead), returning the parsed summary. */
export async function runArtillery(
  target: string,
  short: boolean,
  outFile: string,
  phases?: Phase[],
  cpu: { generatorSeconds?: number | null } = {},
  sessionsFile?: string,
): Promise<LoadtestSummary> {
  const bin = path.join(ROOT, 'bench/node_modules/.bin/artillery');
  const args = [
    'run',
    '--target',
    target,
    '--output',
    outFile,
    ...(short ? ['-e', 'short'] : []),
    ...(phases ? ['--overrides', JSON.stringify({ config: { phases } })] : []),
    path.join(ROOT, 'artillery.yml'),
  ];
  log(`artillery ${args.join(' ')}`);
  const child = spawn(bin, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      // How many distinct scale-target users arrive: each signs in once (argon2id), later arrivals return with
      // the cookie. Short profile: 450 arrivals over 30 users; seed profile: 12,600 over 500.
      LOADTEST_USERS: process.env.LOADTEST_USERS ?? (short ? '30' : '500'),
      ...(sessionsFile ? { LOADTEST_SESSIONS_FILE: sessionsFile } : {}),
      ARTILLERY_DISABLE_TELEMETRY: 'true',
      DO_NOT_TRACK: '1',
    },
  });
  // Artillery prints a report every 10 s; keep only the summary lines on the console.
  child.stdout!.on('data', (d: Buffer) => {
    for (const line of d.toString().split('\n'))
      if (/http\.codes|response_time\.p99|vusers\.failed|errors\./.test(line)) process.stderr.write(`  ${line.trim()}\n`);
  });
  // The generator's own CPU: on one machine it competes with the server for the same cores.
  const meter = cpuMeter(child.pid);
  const code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? 1)));
  cpu.generatorSeconds = meter.stop();
  let report: ArtilleryReport;
  try {
    report = JSON.parse(readFileSync(outFile, 'utf8')) as ArtilleryReport;
  } catch {
    throw new Error(`artillery exited ${code} without a report`);
  }
  return summarize(report, target, phases ? 'knee' : short ? 'short' : 'seed');
}

type KneeStep = {
  arrivalRate: number;
  seconds: number;
  summary: LoadtestSummary;
  /** CPU used during the step, in % of one core: the load generator (Artillery) and the server process. */
  generatorCpuPercent: number | null;
  serverCpuPercent: number | null;
};

const SIGN_IN_CONCURRENCY = 4;

/**
 * Signs in the scale-target users 0 … users-1 through the real endpoint, SIGN_IN_CONCURRENCY at a
 * time, each from its own address (as artillery.yml sends it); writes their cookies for the processor.
 */
async function signInEveryone(target: string, users: number): Promise<{ file: string; users: number; perSecond: number; p99: number }> {
  log(`knee: signing in ${users} users (${SIGN_IN_CONCURRENCY} at a time)`);
  const tokens: Record<string, string> = {};
  const times: number[] = [];
  let next = 0;
  const start = Date.now();
  const worker = async () => {
    for (let n = next++; n < users; n = next++) {
      const email = scaleUserEmail(n);
      const t = performance.now();
      const res = await fetch(`${target}/api/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` },
        body: JSON.stringify({ email, password: SCALE_PASSWORD }),
      });
      times.push(performance.now() - t);
      const token = /^(?:__Host-)?FUSE_SESSION=([^;]+)/.exec(res.headers.getSetCookie().find((c) => c.includes('FUSE_SESSION=')) ?? '')?.[1];
      if (res.status !== 200 || !token) throw new Error(`knee: sign-in of ${email} answered ${res.status}`);
      tokens[email] = token;
    }
  };
  await Promise.all(Array.from({ length: SIGN_IN_CONCURRENCY }, worker));
  const file = path.join(os.tmpdir(), `fuse-knee-sessions-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(tokens));
  times.sort((a, b) => a - b);
  const perSecond = Math.round((users / ((Date.now() - start) / 1000)) * 10) / 10;
  const p99 = Math.round(times[Math.min(times.length - 1, Math.floor(times.length * 0.99))]! * 10) / 10;
  log(`knee: ${users} sign-ins at ${perSecond}/s, p99 ${p99} ms`);
  return { file, users, perSecond, p99 };
}

/**
 * The capacity of what is behind `target` for the seed's flow: constant arrival rates, one step
 * each, from low to high, until two steps miss the goal. The answer is the highest rate that met it.
 */
async function findKnee(target: string, dir: string, base: string, serverPid?: number): Promise<void> {
  const rates = (arg('--rates') ?? '5,10,15,20,25,30,40,50,60,80,100').split(',').map(Number);
  if (rates.some((r) => !Number.isFinite(r) || r <= 0)) throw new Error('--rates takes positive numbers, e.g. 5,10,20');
  const seconds = Number(arg('--step-seconds') ?? 30);
  // Returning users by default: each step is a new Artillery process, so without this most of a short
  // step's arrivals would be first visits that sign in (argon2id), which the seed's flow has not.
  const signIns = flag('--with-sign-ins') ? null : await signInEveryone(target, Number(process.env.LOADTEST_USERS ?? 500));
  const steps: KneeStep[] = [];
  let misses = 0;
  for (const [i, rate] of rates.entries()) {
    log(`knee: step ${i + 1}/${rates.length}: ${rate} arrivals/s for ${seconds} s`);
    const tmp = path.join(os.tmpdir(), `fuse-knee-${process.pid}-${rate}.json`);
    const server = cpuMeter(serverPid);
    const cpu: { generatorSeconds?: number | null } = {};
    const t = Date.now();
    const summary = await runArtillery(target, false, tmp, [{ name: `rate-${rate}`, duration: seconds, arrivalRate: rate }], cpu, signIns?.file);
    const wall = (Date.now() - t) / 1000;
    const serverSeconds = server.stop();
    rmSync(tmp, { force: true });
    const percent = (x: number | null | undefined) => (x === null || x === undefined ? null : Math.round((x / wall) * 100));
    steps.push({ arrivalRate: rate, seconds, summary, generatorCpuPercent: percent(cpu.generatorSeconds), serverCpuPercent: percent(serverSeconds) });
    log(
      `knee: ${rate}/s → ${summary.requests} requests, ${summary.errorCount} errors, p99 ${summary.p99} ms → ${summary.goalMet ? 'met' : 'missed'}; CPU: server ${percent(serverSeconds) ?? '?'} %, load generator ${percent(cpu.generatorSeconds) ?? '?'} % of one core`,
    );
    if (!summary.goalMet && ++misses >= 2) break;
    // Let queues drain and sockets close before the next step.
    await new Promise((r) => setTimeout(r, 5_000));
  }
  const met = steps.filter((s) => s.summary.goalMet);
  const best = met.at(-1) ?? null;
  const when = new Date().toISOString();
  const points: LoadPoint[] = steps.flatMap((s) =>
    Object.entries(s.summary.byEndpoint).map(([endpoint, e]) => ({
      endpoint,
      connections: s.arrivalRate,
      rps: NaN,
      p50: e.p50,
      p99: e.p99,
      requests: e.count,
      non2xx: 0,
      errors: 0,
    })),
  );
  writeFileSync(path.join(dir, `${base}.svg`), renderSvg(points, 'p99 latency vs arrival rate (the seed flow)', 'arrivals per second'));
  const out = {
    benchmark: 'loadtest-knee',
    date: when,
    target,
    machine: machine(''),
    goal: '0 errors, p99 < 200 ms',
    signIns: signIns ? { users: signIns.users, perSecond: signIns.perSecond, p99Ms: signIns.p99, concurrency: SIGN_IN_CONCURRENCY } : 'first arrival',
    steps,
    capacityArrivalsPerSecond: best?.arrivalRate ?? 0,
  };
  writeFileSync(path.join(dir, `${base}.json`), JSON.stringify(out, null, 2) + '\n');
  const md = [
    `# FUSE capacity for the seed's flow — ${when}`,
    '',
    ...(signIns
      ? [
          `Target ${target}. Each step: ${steps[0]?.seconds ?? 0} s at a constant arrival rate of returning virtual users (the seed's flow)`,
          "who visit `/`, `/dashboard`, `/dashboard/clients` with the seed's think times, holding the session cookies of",
          `${signIns.users} scale-target users signed in before the first step through \`POST /api/auth/sign-in\` (argon2id):`,
          `${signIns.perSecond} sign-ins/s at ${SIGN_IN_CONCURRENCY} at a time, p99 ${signIns.p99} ms (\`--with-sign-ins\` makes each user's first arrival sign in instead).`,
        ]
      : [
          `Target ${target}. Each step: ${steps[0]?.seconds ?? 0} s at a constant arrival rate of virtual users who sign in once`,
          "(500 scale-target users, argon2id) and visit `/`, `/dashboard`, `/dashboard/clients` with the seed's think times.",
        ]),
    "The load generator (Artillery) runs on the same machine; its CPU and the server's are shown in % of one core over each step",
    "(Artillery's own start-up included), so the server's capacity can be read net of the generator.",
    '',
    `**Highest rate with 0 errors and p99 < 200 ms: ${best ? `${best.arrivalRate} arrivals/s (${best.summary.rps} requests/s)` : 'none of the steps'}.**`,
    '',
    '| arrivals/s | requests | req/s | errors | p50 ms | p95 ms | p99 ms | server CPU | generator CPU | goal |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...steps.map(
      (s) =>
        `| ${s.arrivalRate} | ${s.summary.requests} | ${s.summary.rps} | ${s.summary.errorCount} | ${s.summary.p50} | ${s.summary.p95} | ${s.summary.p99} | ${s.serverCpuPercent ?? '—'} % | ${s.generatorCpuPercent ?? '—'} % | ${s.summary.goalMet ? 'met' : 'missed'} |`,
    ),
    '',
    `![p99 against arrival rate](${base}.svg)`,
    '',
  ].join('\n');
  writeFileSync(path.join(dir, `${base}.md`), md);
  process.stdout.write(md);
  log(`wrote bench/results/${base}.{json,md,svg}`);
  process.exitCode = best ? 0 : 1;
}

async function main() {
  const short = flag('--short');
  let target = arg('--target');
  const servers: Server[] = [];
  try {
    if (!target) {
      const scale = Number(arg('--scale') ?? (short ? 0.01 : 1));
      const dbName = arg('--db') ?? (scale === 1 ? 'fuse_scale' : `fuse_scale_${String(scale).replace(/\W/g, '_')}`);
      const { url } = await ensureScaleDatabase(dbName, scale);
      buildIfNeeded();
      const app = await startApp(url);
      servers.push(app);
      target = app.url;
      // Warm the routes the flow visits (the first render of each compiles its server chunks).
      for (const p of ['/', '/sign-in', '/dashboard', '/dashboard/clients'])
        await fetch(`${target}${p}`, { redirect: 'manual' }).then((r) => r.arrayBuffer());
    }
    const dir = path.join(ROOT, 'bench/results');
    mkdirSync(dir, { recursive: true });
    const label = arg('--label') ?? (flag('--knee') ? 'knee' : short ? 'short' : '');
    const base = `loadtest-${today()}${label ? `-${label}` : ''}`;
    if (flag('--knee')) return await findKnee(target, dir, base, servers[0]?.child.pid);
    const summary = await runArtillery(target, short, path.join(dir, `${base}.artillery.json`));
    writeFileSync(path.join(dir, `${base}.json`), JSON.stringify(summary, null, 2) + '\n');
    const md = loadtestMarkdown(summary, new Date().toISOString());
    writeFileSync(path.join(dir, `${base}.md`), md);
    process.stdout.write(md);
    log(`wrote bench/results/${base}.{json,md}`);
    // --gate errors (CI, on a machine shared with other jobs): only errors fail the run, not latency.
    const gate = arg('--gate') ?? 'goal';
    process.exitCode = (gate === 'errors' ? summary.errorCount === 0 && summary.vusersFailed === 0 : summary.goalMet) ? 0 : 1;
  } finally {
    for (const s of servers) await s.stop();
  }
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  main().catch((err) => {
    process.stderr.write(`loadtest: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
