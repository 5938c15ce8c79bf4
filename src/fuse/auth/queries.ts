import 'server-only';
import { eq } from 'drizzle-orm';
import type { Database } from '@/fuse/db/client';
import { timed } from '@/fuse/db/timed';
import type { Session } from '@/fuse/session/token';
import { businesses } from './schema';

/** The name of the session's own business (scope from the session, never from the request). */
export async function currentBusinessName(db: Database, session: Pick<Session, 'businessId'>): Promise<string> {
  const [row] = await timed('accounts.businessName', () =>
    db.select({ name: businesses.name }).from(businesses).where(eq(businesses.id, session.businessId)).limit(1),
  );
  return row?.name ?? '';
}
