import { clients } from '@/domains/clients/schema';
import { json, publicHandler } from '@/fuse/http/handler';
import { platformStats } from '@/fuse/stats';

// Counted per request (from Next's data cache), never at build time: the build has no database.
export const dynamic = 'force-dynamic';

/** Platform totals, public and cacheable by a CDN for an hour (and served stale for a day while it refreshes). */
export const GET = publicHandler(async () => {
  const stats = await platformStats({ clients });
  return json(
    { users: stats.users, businesses: stats.businesses, clients: stats.clients ?? 0 },
    { headers: { 'Cache-Control': 'public, s-maxage=3600, stale-while-revalidate=86400' } },
  );
});
