import { json, readJson, withSession } from '@/fuse/http/handler';
import { enforceAuthLimits } from '@/fuse/ratelimit';
import { requestClientIp } from '@/fuse/security/request-ip';
import { changePassword } from '@/fuse/session/revocation';
import { setSessionCookie } from '@/fuse/session/server';

/** Changes the password: every other session ends; this device gets a new cookie. */
export const POST = withSession(async ({ request, session, db }) => {
  const body = await readJson(request);
  // Guessing the current password is as sensitive as signing in.
  await enforceAuthLimits('sign-in', requestClientIp(request), session.email);
  const sessionVersion = await changePassword(db, session.userId, body);
  await setSessionCookie({ ...session, sessionVersion });
  return json({ ok: true });
});
