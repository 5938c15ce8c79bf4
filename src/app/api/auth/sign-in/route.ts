import { signIn } from '@/fuse/auth/accounts';
import { json, publicHandler, readJson } from '@/fuse/http/handler';
import { guardPasswordAttempt } from '@/fuse/ratelimit';
import { requestClientIp } from '@/fuse/security/request-ip';
import { setSessionCookie } from '@/fuse/session/server';
import { sessionOrigin, startSession } from '@/fuse/session/sessions';

export const POST = publicHandler(async ({ request, db }) => {
  const body = await readJson(request);
  const email = typeof (body as { email?: unknown })?.email === 'string' ? (body as { email: string }).email : null;
  // Failed attempts are limited per IP and per account, checked before the password: brute force
  // from rotating addresses is throttled.
  const guard = await guardPasswordAttempt(requestClientIp(request), email);
  const session = await guard.attempt(
    () => signIn(db, body),
    (err) => (err as { status?: number }).status === 401,
  );
  await setSessionCookie(await startSession(db, session, sessionOrigin(request)));
  return json({ user: { id: session.userId, name: session.name, email: session.email }, businessId: session.businessId, rank: session.rank });
});
