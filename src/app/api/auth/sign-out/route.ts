import { json, publicHandler } from '@/fuse/http/handler';
import { clearSessionCookie, presentedSession } from '@/fuse/session/server';
import { endSession } from '@/fuse/session/sessions';

/**
 * Signs this device out: its session ends on the server (so a copy of the cookie stops working too,
 * on every instance) and the cookie is deleted. Without a valid session it only deletes the cookie.
 */
export const POST = publicHandler(async ({ db }) => {
  const session = await presentedSession();
  if (session) await endSession(db, session);
  await clearSessionCookie();
  return json({ ok: true });
});
