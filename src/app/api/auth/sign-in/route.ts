import { signIn } from '@/fuse/auth/accounts';
import { json, publicHandler, readJson } from '@/fuse/http/handler';
import { enforceAuthLimits } from '@/fuse/ratelimit';
import { requestClientIp } from '@/fuse/security/request-ip';
import { setSessionCookie } from '@/fuse/session/server';

export const POST = publicHandler(async ({ request, db }) => {
  const body = await readJson(request);
  const email = typeof (body as { email?: unknown })?.email === 'string' ? (body as { email: string }).email : null;
  // Per IP and per account, before the password is checked: brute force from rotating addresses is throttled.
  await enforceAuthLimits('sign-in', requestClientIp(request), email);
  const session = await signIn(db, body);
  await setSessionCookie(session);
  return json({ user: { id: session.userId, name: session.name, email: session.email }, businessId: session.businessId, rank: session.rank });
});
