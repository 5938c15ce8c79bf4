import { metrics } from './metrics';

/**
 * A per-client fixed-window limit for the browser beacons (/api/errors, /api/vitals), on top of the
 * proxy's general limit: a broken page in a loop must not fill the tables. Written by hand because
 * it is a dozen lines over a Map; it is per instance, which is enough for a flood guard.
 */
type Window = { start: number; count: number };
const globalForLimit = globalThis as unknown as { fuseIngestWindows?: Map<string, Window> };
const windows = (globalForLimit.fuseIngestWindows ??= new Map());

/** The client address the proxy resolved (it trusts X-Forwarded-For only from TRUSTED_PROXIES). */
export function clientKey(headers: { get(name: string): string | null }): string {
  return headers.get('x-fuse-client-ip') ?? 'unknown';
}

/** True when this client may send one more beacon to `scope` in the current window. */
export function allowIngest(scope: string, client: string, max = 60, windowMs = 60_000, now = Date.now()): boolean {
  const key = `${scope}:${client}`;
  let w = windows.get(key);
  if (!w || now - w.start >= windowMs) {
    if (windows.size > 10_000) windows.clear();
    w = { start: now, count: 0 };
    windows.set(key, w);
  }
  w.count += 1;
  if (w.count > max) {
    metrics.rateLimitedTotal.inc({ scope });
    return false;
  }
  return true;
}
