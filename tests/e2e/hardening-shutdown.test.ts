import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer, startSeededEmbeddedDatabase, type AppServer } from '../setup/app-server';
import { baseEnv, CAPTAIN, DEMO_PASSWORD } from './hardening-support';

type Outcome = { status: number } | { error: string; responded: boolean };

/** A request on a fresh connection (no keep-alive), not yet ended: refused, or answered in full. */
function open(port: number, method: string, path: string, body?: string): { req: http.ClientRequest; outcome: Promise<Outcome> } {
  let req!: http.ClientRequest;
  const outcome = new Promise<Outcome>((resolve) => {
    req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: false,
        headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {},
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
        res.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message, responded: true }));
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message, responded: false }));
  });
  return { req, outcome };
}

function request(port: number, method: string, path: string, body?: string): Promise<Outcome> {
  const { req, outcome } = open(port, method, path, body);
  req.end(body);
  return outcome;
}

/** A POST whose body is sent in two halves: in flight on the server until `finish()` sends the rest. */
function heldRequest(port: number, path: string, body: string): { outcome: Promise<Outcome>; finish: () => void } {
  const { req, outcome } = open(port, 'POST', path, body);
  const half = Math.floor(body.length / 2);
  req.flushHeaders();
  req.write(body.slice(0, half));
  return { outcome, finish: () => req.end(body.slice(half)) };
}

describe('hardening: graceful shutdown', () => {
  let db: Awaited<ReturnType<typeof startSeededEmbeddedDatabase>>;
  let server: AppServer;
  beforeAll(async () => {
    db = await startSeededEmbeddedDatabase();
    server = await startAppServer(
      baseEnv({
        FUSE_EMBEDDED_DATABASE_URL: db.url,
        FUSE_ALLOW_EMBEDDED: '1',
        DATABASE_URL: '',
        NEXT_MANUAL_SIG_HANDLE: 'true',
        SHUTDOWN_GRACE_SECONDS: '20',
      }),
    );
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await db?.stop();
  });

  it('SIGTERM during a bounded load loses no accepted request', async () => {
    const signIn = JSON.stringify({ email: CAPTAIN, password: DEMO_PASSWORD });
    const outcomes: Outcome[] = [];
    let stop = false;
    // 8 workers, at most 400 requests in all: reads and slow sign-ins (argon2) in flight together.
    const worker = async (w: number) => {
      for (let i = 0; i < 50 && !stop; i++) {
        const o =
          w % 2 === 0 ? await request(server.port, 'GET', '/api/public/stats') : await request(server.port, 'POST', '/api/auth/sign-in', signIn);
        outcomes.push(o);
        if ('error' in o && o.error === 'ECONNREFUSED') stop = true;
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)));
    // SIGTERM once the load is running (some requests answered, others in flight).
    const deadline = Date.now() + 60_000;
    while (outcomes.length < 16 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const answeredBefore = outcomes.length;
    // One request is surely in flight at the signal, whatever the machine's speed: its headers and
    // half its body are sent before SIGTERM, the rest after.
    const held = heldRequest(server.port, '/api/auth/sign-in', signIn);
    await new Promise((r) => setTimeout(r, 300));
    const exit = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
    server.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    held.finish();
    await load;
    const heldOutcome = await held.outcome;
    const code = await exit;

    expect(heldOutcome).toEqual({ status: 200 });

    expect(answeredBefore).toBeGreaterThan(0);
    const answered = outcomes.filter((o): o is { status: number } => 'status' in o);
    const errors = outcomes.filter((o): o is { error: string; responded: boolean } => 'error' in o);
    // Every answer is complete and successful; no response was cut off half-way.
    expect(answered.every((o) => o.status === 200)).toBe(true);
    expect(errors.filter((e) => e.responded)).toEqual([]);
    // Failures are connection-level only: refused after the listener closed, or reset by the kernel
    // while still queued, unaccepted, at that instant (never seen by the app: see the server's count).
    expect(errors.filter((e) => e.error !== 'ECONNREFUSED' && e.error !== 'ECONNRESET')).toEqual([]);
    expect(errors.some((e) => e.error === 'ECONNREFUSED')).toBe(true);
    expect(answered.length).toBeGreaterThan(answeredBefore);
    expect(code).toBe(0);
    // The server's own account: every request it accepted was answered in full, including those in
    // flight when SIGTERM arrived.
    const summary = /shutdown \(SIGTERM\): (\d+) requests accepted, (\d+) answered in full, (\d+) in flight/.exec(server.output());
    expect(summary, server.output()).not.toBeNull();
    const [accepted, complete, inFlight] = summary!.slice(1).map(Number) as [number, number, number];
    expect(complete).toBe(accepted);
    expect(inFlight).toBeGreaterThan(0);
    // The app answered at least every request the client saw answered (plus the readiness probes).
    expect(accepted).toBeGreaterThanOrEqual(answered.length);
    expect(server.output()).not.toMatch(/still running after/);
  });
});
