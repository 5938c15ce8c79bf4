import { signUp } from '@/fuse/auth/accounts';
import { json, publicHandler, readJson } from '@/fuse/http/handler';
import { setSessionCookie } from '@/fuse/session/server';

export const POST = publicHandler(async ({ request, db }) => {
  const session = await signUp(db, await readJson(request));
  await setSessionCookie(session);
  return json({ user: { id: session.userId, name: session.name, email: session.email }, businessId: session.businessId, rank: session.rank }, { status: 201 });
});
