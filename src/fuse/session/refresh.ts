import { logger } from '@/fuse/observability/logger';
import { readSessionCookie, type CookieReader } from './cookie';
import { signingSecret, verificationSecrets } from './secrets';
import { mintSessionToken, verifySessionToken, type Session } from './token';

export type SessionOutcome = { session: Session | null; token: string | null; revoked: boolean };

/**
 * A cookie older than SESSION_REFRESH_SECONDS is checked against the database (session version,
 * current rank) and re-minted, so revocation and demotion reach reads within that window. A
 * database error keeps the cookie as it is: mutations re-check it anyway.
 */
export async function refreshSession(session: Session, refreshSeconds: number): Promise<SessionOutcome> {
  if (Date.now() / 1000 - session.issuedAt < refreshSeconds) return { session, token: null, revoked: false };
  try {
    const [{ getDb }, { recheckSession }] = await Promise.all([
      import('@/fuse/db/client'),
      import('@/fuse/session/revocation'),
    ]);
    const fresh = await recheckSession(getDb(), session);
    if (!fresh) return { session: null, token: null, revoked: true };
    const token = await mintSessionToken(fresh, signingSecret());
    return { session: fresh, token, revoked: false };
  } catch (err) {
    logger.warn({ err: (err as Error).message }, 'session refresh skipped: database unavailable');
    return { session, token: null, revoked: false };
  }
}

/**
 * The session a request's cookies carry (the cookie name of its scheme, `secure`: HTTPS), verified
 * and (unless `refresh` is false) refreshed when old.
 */
export async function sessionFromCookies(cookies: CookieReader, secure: boolean, refreshSeconds: number, refresh = true): Promise<SessionOutcome> {
  const verified = await verifySessionToken(readSessionCookie(cookies, secure), verificationSecrets());
  if (!verified || !refresh) return { session: verified, token: null, revoked: false };
  return refreshSession(verified, refreshSeconds);
}
