import { confirmEmailChange } from '@/fuse/auth/lifecycle';
import { json, publicHandler, readJson } from '@/fuse/http/handler';
import { mailLinkOrigin } from '@/fuse/mail/mailer';

/** Applies an email change from its confirmation link (the link is the proof: no session needed). */
export const POST = publicHandler(async ({ request, db }) => {
  const body = await readJson(request);
  const { email } = await confirmEmailChange(db, body, mailLinkOrigin(request));
  return json({ ok: true, email });
});
