import { z } from 'zod';
import { NotFoundError } from '@/fuse/http/errors';
import { json, withSession } from '@/fuse/http/handler';
import { clearSessionCookie } from '@/fuse/session/server';
import { endOwnSession } from '@/fuse/session/sessions';

const params = z.object({ id: z.string().uuid('Session not found.') });

/** Ends one of the user's sessions, at once on every instance; ending this one signs this browser out. */
export const DELETE = withSession({ params }, async ({ session, db, params: { id } }) => {
  if (!(await endOwnSession(db, session.userId, id))) throw new NotFoundError('Session not found.');
  if (id === session.sessionId) await clearSessionCookie();
  return json({ ok: true, current: id === session.sessionId });
});
