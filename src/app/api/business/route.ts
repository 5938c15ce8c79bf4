import { listMyBusinesses } from '@/domains/team/queries';
import { json, withSession } from '@/fuse/http/handler';

/** The businesses the signed-in user belongs to, the current one marked. */
export const GET = withSession(async ({ session, db }) => json({ businesses: await listMyBusinesses(db, session) }));
