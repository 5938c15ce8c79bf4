import { loadTeam } from '@/domains/team/queries';
import { json, withSession } from '@/fuse/http/handler';

/** The team slice: members, open invites, and what this rank may do with them. */
export const GET = withSession(async ({ session, db }) => json(await loadTeam(db, session)));
