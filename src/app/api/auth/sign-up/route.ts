import { revalidateTag } from 'next/cache';
import { after } from 'next/server';
import { signUp } from '@/fuse/auth/accounts';
import { sendVerificationEmail } from '@/fuse/auth/lifecycle';
import { json, publicHandler, readJson } from '@/fuse/http/handler';
import { enforceSignUpLimit } from '@/fuse/ratelimit';
import { mailDelivery, mailLinkOrigin } from '@/fuse/mail/mailer';
import { logger } from '@/fuse/observability/logger';
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
  // The verification link is mailed after the answer: sign-up does not wait for the mail server.
  if (mailDelivery() !== 'none') {
    const origin = mailLinkOrigin(request);
    after(() =>
      sendVerificationEmail(db, session.userId, origin).catch((err: Error) =>
        logger.error({ err: { name: err.name, message: err.message } }, 'verification mail failed'),
      ),
    );
  }
  return json(
    { user: { id: session.userId, name: session.name, email: session.email }, businessId: session.businessId, rank: session.rank },
    { status: 201 },
  );
});
