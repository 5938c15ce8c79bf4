import { sql } from 'drizzle-orm';
import type { Database } from '../../src/fuse/db/client';

/**
 * Puts a test's business on a plan directly (as the seeds do), for tests about something other than
 * the plan's limits (paging through hundreds of clients, many invites).
 */
export async function onPlan(db: Pick<Database, 'execute'>, businessId: string, plan: 'free' | 'pro' | 'business'): Promise<void> {
  await db.execute(sql`update subscriptions set plan = ${plan}, status = 'active', paid_since = now() where business_id = ${businessId}`);
}
