import { revertEmailChange } from '@/fuse/auth/lifecycle';
import { json, publicHandler, readJson } from '@/fuse/http/handler';
import { clearSessionCookie } from '@/fuse/session/server';

/** "This wasn't me": the old address comes back and every session of the account ends. */
export const POST = publicHandler(async ({ request, db }) => {
  const body = await readJson(request);
  const { email } = await revertEmailChange(db, body);
  await clearSessionCookie();
  return json({ ok: true, email, message: 'Every session has ended. Reset your password to sign in again.' });
});
