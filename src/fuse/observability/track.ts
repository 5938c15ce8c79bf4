/**
 * Browser-side reporting: web vitals, custom timings and errors go to the server as beacons
 * (navigator.sendBeacon survives page unloads; fetch keepalive is the fallback).
 */
let sampleRate = 1;
let sampled: boolean | null = null;

/** VITALS_SAMPLE_RATE, handed over by the reporter; the page load is sampled in or out once. */
export function setSampleRate(rate: number): void {
  sampleRate = rate;
}

function isSampled(): boolean {
  sampled ??= Math.random() < sampleRate;
  return sampled;
}

export function sendBeacon(url: string, body: unknown): void {
  if (typeof window === 'undefined') return;
  const data = JSON.stringify(body);
  try {
    if (navigator.sendBeacon?.(url, new Blob([data], { type: 'application/json' }))) return;
  } catch {
    /* fall through to fetch */
  }
  void fetch(url, { method: 'POST', body: data, headers: { 'Content-Type': 'application/json' }, keepalive: true }).catch(() => undefined);
}

export type VitalReport = { name: string; value: number; rating?: string; id?: string };

export function reportVital(metric: VitalReport): void {
  if (typeof window === 'undefined' || !isSampled()) return;
  sendBeacon('/api/vitals', { name: metric.name, value: metric.value, rating: metric.rating, id: metric.id, page: window.location.pathname });
}

/**
 * A custom performance measurement (milliseconds) for the current page, e.g.
 * `trackPerformance('cookie_read', 3)`, `trackPerformance('live_latency', ms)`. Names are
 * lower-case words; they appear per page on the operations page next to the web vitals.
 */
export function trackPerformance(metric: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) return;
  reportVital({ name: metric, value });
}

/** Reports a browser error to /api/errors (errors with a server digest were captured on the server). */
export function reportBrowserError(error: { name?: string; message?: string; stack?: string; digest?: string }): void {
  if (typeof window === 'undefined' || error.digest) return;
  sendBeacon('/api/errors', {
    name: error.name?.slice(0, 200),
    message: (error.message || 'Unknown error').slice(0, 2_000),
    stack: error.stack?.slice(0, 8_000),
    page: window.location.pathname,
  });
}
