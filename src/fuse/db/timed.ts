import { config } from '@/fuse/config';
import { logger } from '@/fuse/observability/logger';

export type QueryObserver = (name: string, ms: number, ok: boolean) => void;
const observers: QueryObserver[] = [];

/** Lets observability (metrics, the slow-query table) watch every data-layer call without the db knowing it. */
export function observeQueries(observer: QueryObserver): void {
  observers.push(observer);
}

/**
 * Times one named data-layer call. Past SLOW_QUERY_MS it logs a warning with the query name; every
 * call is reported to the observers.
 */
export async function timed<T>(name: string, run: () => Promise<T>): Promise<T> {
  const start = performance.now();
  let ok = false;
  try {
    const result = await run();
    ok = true;
    return result;
  } finally {
    const ms = performance.now() - start;
    for (const observe of observers) observe(name, ms, ok);
    if (ms >= config().slowQueryMs) logger.warn({ query: name, durationMs: Math.round(ms) }, 'slow query');
  }
}
