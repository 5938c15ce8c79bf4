import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startAppServer, type AppServer } from '../setup/app-server';
import { seededPrivatePostgres, type PrivatePostgres } from '../setup/private-postgres';
import { baseEnv, signInCookie } from '../e2e/hardening-support';
import { openStream, type OpenStream } from '../e2e/live-helpers';

/**
 * The fault suite: a bounded load against the production build while its PostgreSQL and Redis
 * (the suite's own, never the shared ones) fail, one fault at a time. Each fault prints one figure
 * line; docs/operations/faults.md states the promise each figure holds, and the assertions below
 * are those promises.
 */
const QUERY_TIMEOUT_MS = 2_000;
const GRACE_SECONDS = 10;
/** A request without an answer after this long is counted as hung. */
const HUNG_MS = 12_000;
const WORKERS = 4;

type Outcome = { startedAt: number; ms: number; status: number | 'hung' | 'error' };

/** A redis-server of the suite's own that can be frozen, killed and started again on the same port. */
async function privateRedis(): Promise<{
  url: string;
  freeze: () => void;
  thaw: () => void;
  kill: () => Promise<void>;
  start: () => void;
  stop: () => Promise<void>;
}> {
  const port = await freePort();
  let child: ChildProcess;
  const start = () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  };
  const kill = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    });
  start();
  await new Promise((r) => setTimeout(r, 300));
  return { url: `redis://127.0.0.1:${port}`, freeze: () => child.kill('SIGSTOP'), thaw: () => child.kill('SIGCONT'), kill, start, stop: kill };
}

/** Workers sending signed-in reads (database, rate limiter in Redis) back to back until stopped. */
function startLoad(url: string, cookie: string) {
  const outcomes: Outcome[] = [];
  let running = true;
  const worker = async () => {
    while (running) {
      const startedAt = performance.now();
      let status: Outcome['status'];
      try {
        const res = await fetch(`${url}/api/clients`, { headers: { cookie }, signal: AbortSignal.timeout(HUNG_MS) });
        await res.arrayBuffer();
        status = res.status;
      } catch (err) {
        status = (err as Error).name === 'TimeoutError' ? 'hung' : 'error';
      }
      outcomes.push({ startedAt, ms: performance.now() - startedAt, status });
      await new Promise((r) => setTimeout(r, status === 'error' ? 100 : 20));
    }
  };
  const done = Promise.all(Array.from({ length: WORKERS }, worker));
  return {
    outcomes,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

type Figures = { sent: number; answered: number; fiveXX: number; hung: number; maxMs: number; recoveryMs: number | null };

function figures(name: string, outcomes: Outcome[], faultEndedAt: number | null, extra = ''): Figures {
  const answered = outcomes.filter((o) => typeof o.status === 'number');
  const firstOk = faultEndedAt === null ? undefined : outcomes.find((o) => o.startedAt >= faultEndedAt && o.status === 200);
  const f: Figures = {
    sent: outcomes.length,
    answered: answered.length,
    fiveXX: answered.filter((o) => (o.status as number) >= 500).length,
    hung: outcomes.filter((o) => o.status === 'hung').length,
    maxMs: Math.round(Math.max(0, ...outcomes.map((o) => o.ms))),
    recoveryMs: firstOk && faultEndedAt !== null ? Math.round(firstOk.startedAt + firstOk.ms - faultEndedAt) : null,
  };
  console.log(
    `fault ${name.padEnd(28)} sent=${f.sent} answered=${f.answered} 5xx=${f.fiveXX} hung=${f.hung} max=${f.maxMs}ms recovery=${f.recoveryMs === null ? '-' : `${f.recoveryMs}ms`}${extra}`,
  );
  return f;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('faults under load', () => {
  let db: PrivatePostgres;
  let redis: Awaited<ReturnType<typeof privateRedis>>;
  let server: AppServer;
  let cookie: string;
  beforeAll(async () => {
    db = await seededPrivatePostgres();
    redis = await privateRedis();
    server = await startAppServer(
      baseEnv({
        DATABASE_URL: db.url,
        REDIS_URL: redis.url,
        REDIS_PREFIX: `fuse-faults-${process.pid}:`,
        DB_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS),
        DB_POOL_MAX: '4',
        NEXT_MANUAL_SIG_HANDLE: 'true',
        SHUTDOWN_GRACE_SECONDS: String(GRACE_SECONDS),
      }),
    );
    cookie = await signInCookie(server.url);
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    db?.thaw();
    db?.stop();
    await redis?.stop();
  });

  /** Load for 1 s, the fault, then load until the first success after it ends (or 20 s) and 1 s more. */
  async function underLoad(name: string, fault: () => Promise<void>): Promise<Figures> {
    const load = startLoad(server.url, cookie);
    await sleep(1_000);
    await fault();
    const endedAt = performance.now();
    const until = endedAt + 20_000;
    while (performance.now() < until && !load.outcomes.some((o) => o.startedAt >= endedAt && o.status === 200)) await sleep(100);
    await sleep(1_000);
    await load.stop();
    return figures(name, load.outcomes, endedAt);
  }

  it('PostgreSQL killed (kill -9) for 5 s and started again: fast failures, no hung request, recovery at once', async () => {
    const f = await underLoad('postgres-killed-restarted', async () => {
      db.kill();
      await sleep(5_000);
      db.start();
    });
    expect(f.hung).toBe(0);
    expect(f.maxMs).toBeLessThan(QUERY_TIMEOUT_MS * 2 + 2_000);
    expect(f.recoveryMs).not.toBeNull();
    expect(f.recoveryMs!).toBeLessThan(5_000);
  });

  it('every PostgreSQL process stopped (SIGSTOP) for 8 s: 503 within the bound, recovery after SIGCONT', async () => {
    const f = await underLoad('postgres-stopped-8s', async () => {
      db.freeze();
      await sleep(8_000);
      db.thaw();
    });
    expect(f.hung).toBe(0);
    expect(f.fiveXX).toBeGreaterThan(0);
    expect(f.maxMs).toBeLessThan(QUERY_TIMEOUT_MS * 2 + 2_000);
    expect(f.recoveryMs).not.toBeNull();
    expect(f.recoveryMs!).toBeLessThan(5_000);
  });

  it('Redis frozen (SIGSTOP) for 5 s: reads keep being served', async () => {
    const f = await underLoad('redis-stopped-5s', async () => {
      redis.freeze();
      await sleep(5_000);
      redis.thaw();
    });
    expect(f.hung).toBe(0);
    expect(f.fiveXX).toBe(0);
    expect(f.maxMs).toBeLessThan(2_000);
  });

  it('Redis killed for 5 s and started again: reads keep being served', async () => {
    const f = await underLoad('redis-killed-restarted', async () => {
      await redis.kill();
      await sleep(5_000);
      redis.start();
    });
    expect(f.hung).toBe(0);
    expect(f.fiveXX).toBe(0);
    expect(f.maxMs).toBeLessThan(2_000);
  });

  it('SIGTERM under load with live streams open: every accepted request answered, streams ended, exit within the grace period', async () => {
    const streams: OpenStream[] = [];
    for (let i = 0; i < 3; i++) streams.push(await openStream(server.url, cookie));
    const ended = streams.map((s) => s.ended);
    const load = startLoad(server.url, cookie);
    await sleep(1_000);
    const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
    const signalAt = performance.now();
    server.child.kill('SIGTERM');
    const code = await Promise.race([exited, sleep((GRACE_SECONDS + 5) * 1000).then(() => 'running' as const)]);
    const exitMs = Math.round(performance.now() - signalAt);
    await load.stop();
    const streamsEnded = await Promise.race([Promise.all(ended).then(() => true), sleep(1_000).then(() => false)]);
    const f = figures('sigterm-under-load', load.outcomes, null, ` exit=${exitMs}ms streams-ended=${streamsEnded}`);
    expect(code, server.output()).toBe(0);
    expect(exitMs).toBeLessThan(GRACE_SECONDS * 1000);
    expect(f.hung).toBe(0);
    expect(f.fiveXX).toBe(0);
    expect(streamsEnded).toBe(true);
    // Failures are refusals after the listener closed, never a request cut off mid-answer.
    const summary = /shutdown \(SIGTERM\): (\d+) requests accepted, (\d+) answered in full/.exec(server.output());
    expect(summary, server.output()).not.toBeNull();
    expect(summary![2]).toBe(summary![1]);
  });
});
