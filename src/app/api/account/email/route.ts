import { requestEmailChange } from '@/fuse/auth/lifecycle';
import { emailField } from '@/fuse/auth/validators';
import { ValidationError } from '@/fuse/http/errors';
import { json, readJson, withSession } from '@/fuse/http/handler';
import { assertMailConfigured, mailLinkOrigin } from '@/fuse/mail/mailer';
import { enforceAccountMailLimit, guardPasswordAttempt } from '@/fuse/ratelimit';
import { requestClientIp } from '@/fuse/security/request-ip';

/** Asks to change the account's address: a confirmation link goes to the new one (202). */
export const POST = withSession(async ({ request, session, db }) => {
  const body = await readJson(request);
  assertMailConfigured();
  const ip = requestClientIp(request);
  const email = emailField.safeParse((body as { email?: unknown } | null)?.email);
  const guard = await guardPasswordAttempt(ip, session.email);
  await enforceAccountMailLimit(ip, [`user:${session.userId}`, ...(email.success ? [`email:${email.data}`] : [])]);
  await guard.attempt(
    () => requestEmailChange(db, session.userId, body, mailLinkOrigin(request)),
    (err) => err instanceof ValidationError && !!err.fields.password,
  );
  return json({ ok: true, message: 'Check the new address for a confirmation link.' }, { status: 202 });
});
