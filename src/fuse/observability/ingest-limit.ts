import { hitRateLimit } from '@/fuse/ratelimit';
import { requestClientIp } from '@/fuse/security/request-ip';
import { metrics } from './metrics';

/**
 * A per-client limit for the browser beacons (/api/errors, /api/vitals), on top of the
 * general per-IP limit: a broken page in a loop, or a script, must not fill the tables or Sentry. It is the
 * platform's sliding window (src/fuse/ratelimit): shared by every instance through Redis when
 * REDIS_URL is set, this instance's own budget when Redis does not answer.
 */

/** The client address (X-Forwarded-For is believed only from TRUSTED_PROXIES). */
export function clientKey(headers: Headers): string {
  return requestClientIp({ headers });
}

/** Beacons per client per minute: error reports and web-vital batches. */
export const INGEST_LIMITS = { errors: 30, vitals: 120 } as const;

/** True when this client may send one more beacon to `scope` in the current window (a refusal is counted). */
export async function allowIngest(scope: string, client: string, max: number, windowMs = 60_000): Promise<boolean> {
  const decision = await hitRateLimit(`ingest:${scope}:${client}`, { max, windowMs }, 'memory');
  if (!decision.allowed) metrics.rateLimitedTotal.inc({ scope });
  return decision.allowed;
}
