import { confirmPasswordReset } from '@/fuse/auth/lifecycle';
import { json, publicHandler, readJson } from '@/fuse/http/handler';
import { setSessionCookie } from '@/fuse/session/server';
import { sessionOrigin, startSession } from '@/fuse/session/sessions';

/** Sets a new password from a reset link: every session ends, and this browser is signed in afresh. */
export const POST = publicHandler(async ({ request, db }) => {
  const body = await readJson(request);
  const session = await confirmPasswordReset(db, body);
  if (session) await setSessionCookie(await startSession(db, session, sessionOrigin(request)));
  return json({ ok: true, signedIn: session !== null });
});
