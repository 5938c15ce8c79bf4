import 'server-only';
import { getDb, type Database } from '@/fuse/db/client';
import { requireSession } from './server';
import type { Session } from './token';

/**
 * What a page needs to read data: the verified session (the scope of every query) and the database.
 * Pages get both from here, so no route imports the database directly.
 */
export async function requireScope(): Promise<{ session: Session; db: Database }> {
  const session = await requireSession();
  return { session, db: getDb() };
}
