import { verifyEmail } from '@/fuse/auth/lifecycle';
import { json, publicHandler, readJson } from '@/fuse/http/handler';

/** Verifies the address a verification link was sent to (the link is the proof: no session needed). */
export const POST = publicHandler(async ({ request, db }) => {
  const body = await readJson(request);
  const { email } = await verifyEmail(db, body);
  return json({ ok: true, email });
});
