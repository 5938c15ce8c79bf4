/**
 * The browser's cross-page cache of preloaded slices, for instant navigation: after a page renders,
 * the slices of the other pages the sidebar offers are fetched when the browser is idle, so a click
 * shows their data at once. Browser only: on the server every function is a no-op and nothing is
 * kept, so one user's data can never reach another's render.
 */

/** How long a preloaded slice counts as fresh enough to show. */
export const PRELOAD_FRESH_MS = 3 * 60_000;
/** On window focus, slices older than this are fetched again. */
export const PRELOAD_REFRESH_AFTER_MS = 30_000;

type Entry = { data: unknown; at: number };

const inBrowser = typeof window !== 'undefined';
const entries = new Map<string, Entry>();
const inFlight = new Map<string, Promise<boolean>>();
let owner: string | null = null;

/** Ties the cache to one user in one business: a different session (sign-in, business switch) empties it. */
export function bindPreloadCache(sessionKey: string): void {
  if (!inBrowser || owner === sessionKey) return;
  owner = sessionKey;
  entries.clear();
  inFlight.clear();
}

export function readPreloaded<T>(key: string, now = Date.now()): T | null {
  if (!inBrowser) return null;
  const entry = entries.get(key);
  if (!entry || now - entry.at > PRELOAD_FRESH_MS) return null;
  return entry.data as T;
}

export function preloadedAge(key: string, now = Date.now()): number {
  const entry = inBrowser ? entries.get(key) : undefined;
  return entry ? now - entry.at : Number.POSITIVE_INFINITY;
}

export function writePreloaded(key: string, data: unknown): void {
  if (!inBrowser) return;
  entries.set(key, { data, at: Date.now() });
}

/** One GET for one slice; concurrent calls for the same key share the request. */
export function preloadSlice(key: string, url: string): Promise<boolean> {
  if (!inBrowser) return Promise.resolve(false);
  const running = inFlight.get(key);
  if (running) return running;
  const sessionAtStart = owner;
  const request = fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json', 'x-fuse-preload': '1' } })
    .then(async (res) => {
      if (!res.ok) return false;
      const data: unknown = await res.json();
      // A slice fetched for a session that has since changed is dropped.
      if (owner === sessionAtStart) writePreloaded(key, data);
      return true;
    })
    .catch(() => false)
    .finally(() => inFlight.delete(key));
  inFlight.set(key, request);
  return request;
}

/**
 * Records whether a navigation found its slice preloaded: the custom web-vitals metric
 * `preload.hit` with value 1 (hit) or 0 (miss), so its mean over a period is the hit rate.
 */
export function reportPreloadUse(page: string, hit: boolean): void {
  if (!inBrowser) return;
  void fetch('/api/vitals', {
    method: 'POST',
    keepalive: true,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'preload.hit', value: hit ? 1 : 0, page }),
  }).catch(() => undefined);
}
