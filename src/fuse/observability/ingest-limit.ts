import { hitRateLimit } from '@/fuse/ratelimit';
import { metrics } from './metrics';

/**
 * A per-client limit for the browser beacons (/api/errors, /api/vitals), on top of the proxy's
 * general limit: a broken page in a loop, or a script, must not fill the tables or Sentry. It is the
 * platform's sliding window (src/fuse/ratelimit): shared by every instance through Redis when
 * REDIS_URL is set, this instance's own budget when Redis does not answer.
 */

/** The client address the proxy resolved (it trusts X-Forwarded-For only from TRUSTED_PROXIES). */
export function clientKey(headers: { get(name: string): string | null }): string {
  return headers.get('x-fuse-client-ip') ?? 'unknown';
}

/** Beacons per client per minute: error reports and web-vital batches. */
export const INGEST_LIMITS = { errors: 30, vitals: 120 } as const;

/** True when this client may send one more beacon to `scope` in the current window (a refusal is counted). */
export async function allowIngest(scope: string, client: string, max: number, windowMs = 60_000): Promise<boolean> {
  const decision = await hitRateLimit(`ingest:${scope}:${client}`, { max, windowMs }, 'memory');
  if (!decision.allowed) metrics.rateLimitedTotal.inc({ scope });
  return decision.allowed;
}
