import 'server-only';
import { count } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { unstable_cache } from 'next/cache';
import { businesses, users } from '@/fuse/auth/schema';
import { getDb } from '@/fuse/db/client';
import { timed } from '@/fuse/db/timed';

/** Cache tag of the platform totals: mutations that change them call `revalidateTag(PLATFORM_STATS_TAG, 'max')`. */
export const PLATFORM_STATS_TAG = 'platform-stats';

export type PlatformStats = Record<string, number> & { users: number; businesses: number };

/**
 * Platform totals for the public stats endpoint. Domain tables are passed in by the route (FUSE
 * imports no domain). Cached in Next's data cache for an hour under PLATFORM_STATS_TAG, so a burst
 * of uncached requests does not become a burst of full-table counts.
 */
export function platformStats(extra: Record<string, PgTable>): Promise<PlatformStats> {
  return unstable_cache(
    () =>
      timed('stats.platform', async () => {
        const db = getDb();
        const tables: Record<string, PgTable> = { users, businesses, ...extra };
        const entries = await Promise.all(
          Object.entries(tables).map(async ([name, table]) => {
            const [row] = await db.select({ n: count() }).from(table);
            return [name, Number(row?.n ?? 0)] as const;
          }),
        );
        return Object.fromEntries(entries) as PlatformStats;
      }),
    ['platform-stats', ...Object.keys(extra).sort()],
    { revalidate: 3600, tags: [PLATFORM_STATS_TAG] },
  )();
}
