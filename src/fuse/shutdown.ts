import type http from 'node:http';
import net from 'node:net';
import { processSingleton } from '@/fuse/singleton';

/**
 * Graceful shutdown. On SIGTERM (or SIGINT) FUSE:
 *   1. stops accepting connections (the HTTP server closes its listener and idle keep-alive sockets);
 *   2. runs the `onShutdown` hooks at once — open live streams end here, since they would otherwise
 *      hold the server open for ever;
 *   3. waits for requests in flight to finish, at most SHUTDOWN_GRACE_SECONDS;
 *   4. runs the `onShutdown(fn, { after: 'requests' })` hooks (database pool, Redis) and exits.
 *
 * `next start` has a SIGTERM handler of its own; FUSE's runs instead when NEXT_MANUAL_SIG_HANDLE is
 * set (the FUSE CLI, the Dockerfile and the systemd unit set it). Without it Next closes the server
 * and exits, and FUSE only runs the immediate hooks.
 */
type ShutdownFn = () => void | Promise<void>;
type Phase = 'signal' | 'requests';

type State = {
  handlers: Set<ShutdownFn>;
  afterRequests: Set<ShutdownFn>;
  running: Promise<void> | null;
  servers: Set<http.Server>;
  inFlight: number;
  /** Requests the app received, and those whose response it finished writing. */
  accepted: number;
  completed: number;
  drained: Set<() => void>;
  signalled: boolean;
};

const state = processSingleton('shutdown', (): { fuseShutdown?: State } => ({}));

function registry(): State {
  if (!state.fuseShutdown) {
    state.fuseShutdown = {
      handlers: new Set(),
      afterRequests: new Set(),
      running: null,
      servers: new Set(),
      inFlight: 0,
      accepted: 0,
      completed: 0,
      drained: new Set(),
      signalled: false,
    };
    // `on`, not `once`: a signal to the process group reaches this process twice (once directly, once
    // forwarded by the CLI); a second signal with no listener left would kill it in mid-drain.
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void gracefulShutdown(signal));
  }
  return state.fuseShutdown;
}

/**
 * Registers `fn` to run on shutdown; returns a function that unregisters it. By default it runs as
 * soon as the signal arrives; `{ after: 'requests' }` runs it once requests in flight are done.
 */
export function onShutdown(fn: ShutdownFn, options: { after?: Phase } = {}): () => void {
  const r = registry();
  const set = options.after === 'requests' ? r.afterRequests : r.handlers;
  set.add(fn);
  return () => set.delete(fn);
}

function runAll(fns: Iterable<ShutdownFn>, timeoutMs: number): Promise<void> {
  return Promise.all(
    [...fns].map((fn) =>
      Promise.race([Promise.resolve().then(fn), new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]).catch(() => undefined),
    ),
  ).then(() => undefined);
}

/** Runs every immediate handler once (later calls get the same promise). */
export function runShutdown(timeoutMs = 5_000): Promise<void> {
  const r = registry();
  r.running ??= runAll(r.handlers, timeoutMs);
  return r.running;
}

/** Called by the HTTP hook for every request: the server to close and the count of requests in flight. */
export function trackRequest(server: http.Server, res: http.ServerResponse): void {
  const r = registry();
  r.servers.add(server);
  // Once shutting down, answer and close: no new request may arrive on a kept-alive socket.
  if (r.signalled) res.shouldKeepAlive = false;
  r.inFlight += 1;
  r.accepted += 1;
  let done = false;
  const finish = (completed: boolean) => {
    if (done) return;
    done = true;
    r.inFlight -= 1;
    if (completed) r.completed += 1;
    if (r.inFlight === 0) for (const fn of r.drained) fn();
  };
  res.once('finish', () => finish(true));
  res.once('close', () => finish(res.writableFinished));
}

/** True once SIGTERM/SIGINT arrived: a readiness check can answer 503 so balancers stop routing here. */
export function isShuttingDown(): boolean {
  return registry().signalled;
}

function waitForDrain(timeoutMs: number): Promise<boolean> {
  const r = registry();
  if (r.inFlight === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      r.drained.delete(done);
      resolve(false);
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      r.drained.delete(done);
      resolve(true);
    };
    r.drained.add(done);
  });
}

/** The end of the grace period kept for closing the database pool and Redis. */
const CLOSE_RESERVE_MS = 2_000;

function graceSeconds(): number {
  const n = Number(process.env.SHUTDOWN_GRACE_SECONDS ?? 25);
  return Number.isFinite(n) && n >= 0 ? n : 25;
}

async function gracefulShutdown(signal: NodeJS.Signals): Promise<void> {
  const r = registry();
  if (r.signalled) return;
  r.signalled = true;
  const manual = !!process.env.NEXT_MANUAL_SIG_HANDLE;
  if (!manual) {
    // Next's own handler stops the server and exits; only the immediate hooks run here.
    await runShutdown();
    return;
  }
  const graceMs = graceSeconds() * 1000;
  // The whole shutdown fits in the grace period, whatever the pool, the LISTEN connection or the
  // jobs are doing: requests drain until CLOSE_RESERVE_MS before its end, closing gets the rest,
  // and at its end the process exits regardless.
  const endsAt = Date.now() + graceMs;
  const deadline = setTimeout(() => {
    process.stderr.write(`fuse: shutdown grace period (${graceMs / 1000} s) over, exiting\n`);
    process.exit(1);
  }, graceMs);
  deadline.unref();
  // Stop listening, but do not use http.Server#close(): since Node 19 it also drops "idle"
  // connections, which includes ones accepted a moment ago whose request has not arrived yet.
  // Closed right after an event-loop poll phase (setImmediate), when libuv has just accepted every
  // connection the kernel had queued: only connections that arrive in that instant are refused.
  await new Promise((resolve) => setImmediate(resolve));
  for (const server of r.servers) net.Server.prototype.close.call(server);
  const inFlightAtSignal = r.inFlight;
  await runShutdown(Math.min(5_000, graceMs / 4));
  // Requests on connections accepted just before the listener closed get a moment to arrive.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const sweep = setInterval(() => {
    for (const server of r.servers) server.closeIdleConnections();
  }, 250);
  const drained = await waitForDrain(Math.max(0, endsAt - Date.now() - Math.min(CLOSE_RESERVE_MS, graceMs / 4)));
  clearInterval(sweep);
  for (const server of r.servers) server.closeIdleConnections();
  if (!drained) process.stderr.write(`fuse: ${r.inFlight} request(s) still running after ${graceMs / 1000} s\n`);
  await runAll(r.afterRequests, Math.max(0, Math.min(5_000, endsAt - Date.now() - 100)));
  process.stderr.write(
    `fuse: shutdown (${signal}): ${r.accepted} requests accepted, ${r.completed} answered in full, ${inFlightAtSignal} in flight at the signal\n`,
  );
  process.exit(signal === 'SIGINT' ? 130 : 0);
}

/** Installs the signal handlers (idempotent); called once from instrumentation. */
export function installGracefulShutdown(): void {
  registry();
}
