/**
 * The checks of `npm run scale:demo` (scripts/scale-demo.sh starts nginx and the two instances and
 * passes their addresses here):
 *   1. the rate limit holds globally: one client address through nginx, spread over both instances,
 *      gets RATE_LIMIT_MAX answers per window in total, not per instance;
 *   2. a live change crosses instances: a stream on instance A sees a client created on instance B;
 *   3. combined throughput through nginx against one instance alone;
 *   4. the seed's load test through nginx with instance A killed mid-load: error rate < 0.1 %.
 * Writes bench/results/scale-demo-<date>.{json,md}.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { scaleUserEmail, SCALE_PASSWORD } from '../src/cli/scale-seed';
import { arg, flag, log, ROOT, signInCookie, today } from './lib';
import { runArtillery, type LoadtestSummary } from './loadtest';

const nginx = arg('--nginx')!;
const a = arg('--a')!;
const b = arg('--b')!;
const pidA = Number(arg('--pid-a'));
const limit = Number(arg('--limit') ?? 100);
const full = flag('--full');

const randomIp = () => `10.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}`;

/** Rate-limit checks that fell back from Redis to the instance's own budget, on both instances. */
async function storeFallbacks(): Promise<number> {
  let n = 0;
  for (const base of [a, b]) {
    const res = await fetch(`${base}/api/metrics`, { headers: { Authorization: `Bearer ${process.env.METRICS_TOKEN}` } }).catch(() => null);
    if (!res?.ok) continue;
    const m = /^fuse_rate_limit_store_failures_total\{outcome="memory"\} (\d+)/m.exec(await res.text());
    n += Number(m?.[1] ?? 0);
  }
  return n;
}

async function globalRateLimit() {
  const fallbacksBefore = await storeFallbacks();
  const ip = `203.0.113.${1 + Math.floor(Math.random() * 250)}`;
  const upstreams: Record<string, number> = {};
  let ok = 0;
  let limited = 0;
  const total = Math.round(limit * 1.5);
  for (let i = 0; i < total; i++) {
    // Signed out on purpose: the limiter runs before authentication, so every answer that is not
    // 429 (here 401) is a request the limiter let through.
    const res = await fetch(`${nginx}/api/clients`, { headers: { 'x-forwarded-for': ip }, redirect: 'manual' });
    await res.arrayBuffer();
    const up = res.headers.get('x-upstream') ?? '?';
    upstreams[up] = (upstreams[up] ?? 0) + 1;
    if (res.status === 429) limited++;
    else ok++;
  }
  const held = ok <= limit && limited >= total - limit && Object.keys(upstreams).length >= 2;
  // Checks Redis did not answer within REDIS_COMMAND_TIMEOUT_MS were counted per instance instead.
  const fallbacks = (await storeFallbacks()) - fallbacksBefore;
  log(
    `rate limit: ${total} requests from ${ip}: ${ok} served, ${limited} limited, by upstream ${JSON.stringify(upstreams)}, ${fallbacks} Redis fallbacks → ${held ? 'held globally' : 'NOT held'}`,
  );
  return { ip, total, ok, limited, limit, upstreams, fallbacks, held };
}

async function liveAcrossInstances(cookie: string) {
  const probe = await fetch(`${a}/api/live`, { headers: { cookie }, signal: AbortSignal.timeout(2_000) }).catch(() => null);
  if (!probe || probe.status === 404) return { available: false as const };
  await probe.body?.cancel();
  const controller = new AbortController();
  const res = await fetch(`${a}/api/live`, { headers: { cookie, accept: 'text/event-stream' }, signal: controller.signal });
  if (!res.ok || !res.body) return { available: true as const, received: false, status: res.status };
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const email = `cross-instance-${Date.now()}@example.com`;
  let sentAt = 0;
  const received = new Promise<number>((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error('no event within 5 s')), 5_000 + 2_000);
    const pump = async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        if (sentAt && buffer.includes(email)) {
          clearTimeout(timer);
          return resolve(performance.now() - sentAt);
        }
      }
    };
    pump().catch(() => undefined);
  });
  await new Promise((r) => setTimeout(r, 500)); // the stream is subscribed
  sentAt = performance.now();
  const created = await fetch(`${b}/api/clients`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json', origin: b },
    body: JSON.stringify({ email, firstName: 'Cross', lastName: 'Instance', status: 'lead' }),
  });
  try {
    const ms = await received;
    log(`live change: created on B (${created.status}), seen on A's stream after ${ms.toFixed(1)} ms`);
    return { available: true as const, received: true, createStatus: created.status, latencyMs: ms };
  } catch (err) {
    log(`live change: created on B (${created.status}), NOT seen on A: ${(err as Error).message}`);
    return { available: true as const, received: false, createStatus: created.status };
  } finally {
    controller.abort();
  }
}

async function throughput(url: string, cookie: string) {
  const r = await autocannon({
    url,
    connections: 50,
    duration: 8,
    headers: { cookie },
    // A fresh client address per request (nginx forwards it, FUSE trusts nginx): the limiter
    // stays on, as in production, without one address exhausting its budget.
    requests: [
      { setupRequest: (req: { headers: Record<string, string> }) => ({ ...req, headers: { ...req.headers, 'x-forwarded-for': randomIp() } }) },
    ],
  } as Parameters<typeof autocannon>[0]);
  return { rps: r.requests.average, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors + r.timeouts };
}

async function loadWithKill(): Promise<{ summary: LoadtestSummary; killedAtS: number; errorRate: number }> {
  const dir = path.join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const killAfterS = full ? 120 : 15;
  const timer = setTimeout(() => {
    log(`killing instance A (pid ${pidA}) with SIGKILL, ${killAfterS} s into the load`);
    try {
      process.kill(pidA, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }, killAfterS * 1000);
  const summary = await runArtillery(nginx, !full, path.join(dir, `scale-demo-${today()}.artillery.json`));
  clearTimeout(timer);
  const errorRate = summary.requests ? summary.errorCount / summary.requests : 1;
  log(
    `load through nginx with A killed: ${summary.requests} requests, ${summary.errorCount} errors (${(errorRate * 100).toFixed(3)} %), p99 ${summary.p99} ms`,
  );
  return { summary, killedAtS: killAfterS, errorRate };
}

async function main() {
  const cookie = await signInCookie(nginx, scaleUserEmail(0), SCALE_PASSWORD);
  const rateLimit = await globalRateLimit();
  const live = await liveAcrossInstances(cookie);
  log('throughput: GET /api/clients through nginx (both instances), then instance A alone');
  const combined = await throughput(`${nginx}/api/clients`, cookie);
  const single = await throughput(`${a}/api/clients`, cookie);
  log(
    `throughput: nginx ${combined.rps.toFixed(0)} req/s (p99 ${combined.p99} ms) vs one instance ${single.rps.toFixed(0)} req/s (p99 ${single.p99} ms)`,
  );
  const kill = await loadWithKill();
  const result = {
    when: new Date().toISOString(),
    rateLimit,
    live,
    throughput: { combined, single, ratio: combined.rps / single.rps },
    kill: { ...kill, goalMet: kill.errorRate < 0.001 },
  };
  const base = `scale-demo-${today()}`;
  const dir = path.join(ROOT, 'bench/results');
  writeFileSync(path.join(dir, `${base}.json`), JSON.stringify(result, null, 2) + '\n');
  const md = [
    `# FUSE scale demo — ${result.when}`,
    '',
    'Two `next start` instances behind nginx (round robin, `proxy_next_upstream`), one PostgreSQL, one Redis, on this machine.',
    '',
    '| Check | Goal | Measured | Result |',
    '|---|---|---|---|',
    `| Rate limit across instances | ≤ ${limit} served per window per address, in total | ${rateLimit.ok} served, ${rateLimit.limited} limited of ${rateLimit.total}; upstreams ${JSON.stringify(rateLimit.upstreams)}; ${rateLimit.fallbacks} checks fell back to an instance's memory | ${rateLimit.held ? '✅ pass' : '❌ fail'} |`,
    live.available
      ? `| Live change across instances | event on A for a change made on B | ${live.received ? `${(live as { latencyMs: number }).latencyMs.toFixed(1)} ms` : 'not received'} | ${live.received ? '✅ pass' : '❌ fail'} |`
      : '| Live change across instances | — | /api/live not present | n/a |',
    `| Combined throughput GET /api/clients (50 conns) | — | nginx + 2 instances ${combined.rps.toFixed(0)} req/s (p99 ${combined.p99} ms) vs 1 instance ${single.rps.toFixed(0)} req/s (p99 ${single.p99} ms): ×${result.throughput.ratio.toFixed(2)} | info |`,
    `| Instance killed mid-load (${kill.summary.profile} profile, SIGKILL at ${kill.killedAtS} s) | error rate < 0.1 % | ${kill.summary.errorCount} / ${kill.summary.requests} = ${(kill.errorRate * 100).toFixed(3)} %, p99 ${kill.summary.p99} ms | ${result.kill.goalMet ? '✅ pass' : '❌ fail'} |`,
    '',
    'Both instances share the 2 CPUs of this machine, so "combined" throughput shows the proxy and the shared state working, not a doubling: on separate machines each instance brings its own CPUs.',
    '',
  ].join('\n');
  writeFileSync(path.join(dir, `${base}.md`), md);
  process.stdout.write(md);
  log(`wrote bench/results/${base}.{json,md}`);
}

main().catch((err) => {
  process.stderr.write(`scale-demo: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
