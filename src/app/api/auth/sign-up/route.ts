import { revalidateTag } from 'next/cache';
import { signUp } from '@/fuse/auth/accounts';
import { json, publicHandler, readJson } from '@/fuse/http/handler';
import { enforceSignUpLimit } from '@/fuse/ratelimit';
import { requestClientIp } from '@/fuse/security/request-ip';
import { setSessionCookie } from '@/fuse/session/server';
import { sessionOrigin, startSession } from '@/fuse/session/sessions';
import { PLATFORM_STATS_TAG } from '@/fuse/stats';

export const POST = publicHandler(async ({ request, db }) => {
  const body = await readJson(request);
  await enforceSignUpLimit(requestClientIp(request));
  const session = await signUp(db, body);
  await setSessionCookie(await startSession(db, session, sessionOrigin(request)));
  // A new user and business change the public platform totals.
  revalidateTag(PLATFORM_STATS_TAG, 'max');
  return json(
    { user: { id: session.userId, name: session.name, email: session.email }, businessId: session.businessId, rank: session.rank },
    { status: 201 },
  );
});
