import { updateSettings } from '@/domains/settings/mutations';
import { loadSettings } from '@/domains/settings/queries';
import { settingsPatch } from '@/domains/settings/validators';
import { json, withSession } from '@/fuse/http/handler';
import { setSessionCookie } from '@/fuse/session/server';

export const GET = withSession(async ({ session, db }) => json(await loadSettings(db, session)));

/**
 * `{ name?, theme?, businessName?, timezone? }`. Name and theme live in the session too, so the
 * cookie is minted again: the next page's first HTML already has the new theme.
 */
// The permission depends on the fields (one's own profile, or the business): the data layer decides it.
export const PATCH = withSession({ body: settingsPatch }, async ({ session, db, body }) => {
  const saved = await updateSettings(db, session, body);
  if (saved.name !== session.name || saved.theme !== session.theme) {
    await setSessionCookie({
      userId: session.userId,
      businessId: session.businessId,
      rank: session.rank,
      email: session.email,
      sessionVersion: session.sessionVersion,
      sessionId: session.sessionId,
      sessionExpiresAt: session.sessionExpiresAt,
      name: saved.name,
      theme: saved.theme,
    });
  }
  return saved;
});
