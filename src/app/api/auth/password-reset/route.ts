import { after } from 'next/server';
import { mailPasswordReset, passwordResetInput } from '@/fuse/auth/lifecycle';
import { ValidationError } from '@/fuse/http/errors';
import { json, publicHandler, readJson } from '@/fuse/http/handler';
import { assertMailConfigured, mailLinkOrigin } from '@/fuse/mail/mailer';
import { logger } from '@/fuse/observability/logger';
import { enforceAccountMailLimit } from '@/fuse/ratelimit';
import { requestClientIp } from '@/fuse/security/request-ip';

export const PASSWORD_RESET_ACCEPTED = 'If an account uses this address, a link to reset its password is on its way. It works for 30 minutes.';

/**
 * Starts a password reset. The answer is the same 202 whether or not the address has an account,
 * and it is sent before the account is even looked up: the lookup and the mail run after it.
 */
export const POST = publicHandler(async ({ request, db }) => {
  const body = await readJson(request);
  const parsed = passwordResetInput.safeParse(body);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  assertMailConfigured();
  await enforceAccountMailLimit(requestClientIp(request), [`email:${parsed.data.email}`]);
  const origin = mailLinkOrigin(request);
  after(() =>
    mailPasswordReset(db, parsed.data.email, origin).catch((err: Error) =>
      logger.error({ err: { name: err.name, message: err.message } }, 'password reset mail failed'),
    ),
  );
  return json({ ok: true, message: PASSWORD_RESET_ACCEPTED }, { status: 202 });
});
