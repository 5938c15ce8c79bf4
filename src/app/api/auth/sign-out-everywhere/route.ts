import { json, withSession } from '@/fuse/http/handler';
import { revokeAllSessions } from '@/fuse/session/revocation';
import { clearSessionCookie } from '@/fuse/session/server';

/** Ends every session of the user, on every device, this one included. */
export const POST = withSession(async ({ session, db }) => {
  await revokeAllSessions(db, session.userId);
  await clearSessionCookie();
  return json({ ok: true });
});
