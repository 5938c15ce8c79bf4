import { withSession } from '@/fuse/http/handler';
import { listSessions } from '@/fuse/session/sessions';

/** The signed-in user's live sessions; `current` marks this one. */
export const GET = withSession(async ({ session, db }) => ({ sessions: await listSessions(db, session) }));
