import { acceptInvite } from '@/domains/team/mutations';
import { json, publicHandler, readJson } from '@/fuse/http/handler';
import { requestClientIp } from '@/fuse/security/request-ip';
import { setSessionCookie } from '@/fuse/session/server';
import { sessionOrigin, startSession } from '@/fuse/session/sessions';

/** Accepts an invite (new account, or an existing one with its password) and signs the member in. */
export const POST = publicHandler(async ({ request, db }) => {
  const session = await acceptInvite(db, await readJson(request), { clientIp: requestClientIp(request) });
  await setSessionCookie(await startSession(db, session, sessionOrigin(request)));
  return json({ ok: true, businessId: session.businessId, rank: session.rank, redirect: '/dashboard' });
});
