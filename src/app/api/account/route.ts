import { accountProfile, deleteAccount } from '@/fuse/auth/lifecycle';
import { NotFoundError, ValidationError } from '@/fuse/http/errors';
import { json, readJson, withSession } from '@/fuse/http/handler';
import { guardPasswordAttempt } from '@/fuse/ratelimit';
import { requestClientIp } from '@/fuse/security/request-ip';
import { clearSessionCookie } from '@/fuse/session/server';

/** The signed-in user's profile, with whether their email address is verified. */
export const GET = withSession(async ({ session, db }) => {
  const profile = await accountProfile(db, session.userId);
  if (!profile) throw new NotFoundError('Account not found.');
  return { account: profile };
});

/** Deletes the account (password required); this browser is signed out. */
export const DELETE = withSession(async ({ request, session, db }) => {
  const body = await readJson(request);
  const guard = await guardPasswordAttempt(requestClientIp(request), session.email);
  await guard.attempt(
    () => deleteAccount(db, session.userId, body),
    (err) => err instanceof ValidationError && !!err.fields.password,
  );
  await clearSessionCookie();
  return json({ ok: true });
});
