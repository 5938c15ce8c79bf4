import { sendVerificationEmail } from '@/fuse/auth/lifecycle';
import { json, withSession } from '@/fuse/http/handler';
import { assertMailConfigured, mailLinkOrigin } from '@/fuse/mail/mailer';
import { enforceAccountMailLimit } from '@/fuse/ratelimit';
import { requestClientIp } from '@/fuse/security/request-ip';

/** Mails a new verification link to the signed-in user's address (the older links stop working). */
export const POST = withSession(async ({ request, session, db }) => {
  assertMailConfigured();
  await enforceAccountMailLimit(requestClientIp(request), [`user:${session.userId}`]);
  const sent = await sendVerificationEmail(db, session.userId, mailLinkOrigin(request));
  return json({ ok: true, alreadyVerified: !sent }, { status: sent ? 202 : 200 });
});
