import { switchBusiness } from '@/domains/team/mutations';
import { switchBusinessInput } from '@/domains/team/validators';
import { withSession } from '@/fuse/http/handler';
import { setSessionCookie } from '@/fuse/session/server';

/**
 * Switches the active business without signing in again: a new cookie for a business the user
 * belongs to (or, for the admiral, any business, read-only), checked against the database. It is
 * the same session (same id, same absolute end), now in another business.
 */
export const POST = withSession({ body: switchBusinessInput }, async ({ session, db, body }) => {
  const next = await switchBusiness(db, session, body);
  await setSessionCookie({ ...next, sessionId: session.sessionId, sessionExpiresAt: session.sessionExpiresAt });
  return { businessId: next.businessId, rank: next.rank };
});
