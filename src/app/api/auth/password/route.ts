import { ValidationError } from '@/fuse/http/errors';
import { json, readJson, withSession } from '@/fuse/http/handler';
import { guardPasswordAttempt } from '@/fuse/ratelimit';
import { requestClientIp } from '@/fuse/security/request-ip';
import { changePassword } from '@/fuse/session/revocation';
import { setSessionCookie } from '@/fuse/session/server';

/** Changes the password: every other session ends; this device keeps its session with a new cookie. */
export const POST = withSession(async ({ request, session, db }) => {
  const body = await readJson(request);
  // Guessing the current password is as sensitive as signing in: same failure budget.
  const guard = await guardPasswordAttempt(requestClientIp(request), session.email);
  const sessionVersion = await guard.attempt(
    () => changePassword(db, session.userId, body, session.sessionId),
    (err) => err instanceof ValidationError && !!err.fields.currentPassword,
  );
  await setSessionCookie({ ...session, sessionVersion });
  return json({ ok: true });
});
