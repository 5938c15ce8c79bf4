import { logger } from '@/fuse/observability/logger';
import { readSessionCookie, type CookieReader } from './cookie';
import { revocations, type RevocationList } from './revoked';
import { signingSecret, verificationSecrets } from './secrets';
import { mintSessionToken, SESSION_TTL_SECONDS, verifySessionToken, type Session } from './token';

export type SessionOutcome = { session: Session | null; token: string | null; revoked: boolean };

/** What a refresh depends on besides the cookie; tests replace them (a clock, a database). */
export type RefreshDeps = {
  now?: () => number;
  /** The session as the database sees it now (null: revoked). Default: `recheckSession` on the app's database. */
  recheck?: (session: Session) => Promise<Session | null>;
  list?: RevocationList;
};

async function recheckInDatabase(session: Session): Promise<Session | null> {
  const [{ getDb }, { recheckSession }, { touchSession }] = await Promise.all([
    import('@/fuse/db/client'),
    import('@/fuse/session/revocation'),
    import('@/fuse/session/sessions'),
  ]);
  const fresh = await recheckSession(getDb(), session);
  if (fresh) await touchSession(getDb(), fresh.sessionId);
  return fresh;
}

/**
 * Decides a verified cookie from memory: refused when its session was revoked (src/fuse/session/revoked.ts),
 * kept as it is while younger than SESSION_REFRESH_SECONDS. Otherwise (old, or marked for a re-check
 * by a rank change) it is checked against the database and re-minted: same session id, a new expiry
 * that never passes the session's absolute end. A database error keeps the cookie as it is:
 * mutations re-check it anyway.
 */
export async function refreshSession(session: Session, refreshSeconds: number, deps: RefreshDeps = {}): Promise<SessionOutcome> {
  const now = deps.now?.() ?? Date.now();
  const standing = (deps.list ?? revocations()).standing(session, now);
  if (standing === 'ended') return { session: null, token: null, revoked: true };
  if (standing === 'current' && now / 1000 - session.issuedAt < refreshSeconds) return { session, token: null, revoked: false };
  try {
    const fresh = await (deps.recheck ?? recheckInDatabase)(session);
    if (!fresh) return { session: null, token: null, revoked: true };
    const token = await mintSessionToken(fresh, signingSecret(), { now });
    const issuedAt = Math.floor(now / 1000);
    const expiresAt = Math.min(issuedAt + SESSION_TTL_SECONDS, fresh.sessionExpiresAt);
    return { session: { ...fresh, issuedAt, expiresAt }, token, revoked: false };
  } catch (err) {
    logger.warn({ err: (err as Error).message }, 'session refresh skipped: database unavailable');
    return { session, token: null, revoked: false };
  }
}

/**
 * The session a request's cookies carry (the cookie name of its scheme, `secure`: HTTPS): verified,
 * checked against the revocations this instance knows (memory only), and (unless `refresh` is
 * false) refreshed when old. Without refresh a revoked cookie reads as signed out but is left in
 * place (the answer must not set a cookie).
 */
export async function sessionFromCookies(
  cookies: CookieReader,
  secure: boolean,
  refreshSeconds: number,
  refresh = true,
  deps: RefreshDeps = {},
): Promise<SessionOutcome> {
  const verified = await verifySessionToken(readSessionCookie(cookies, secure), verificationSecrets(), deps.now ? { now: deps.now() } : {});
  if (!verified) return { session: null, token: null, revoked: false };
  if (!refresh) {
    const ended = (deps.list ?? revocations()).standing(verified, deps.now?.()) === 'ended';
    return { session: ended ? null : verified, token: null, revoked: false };
  }
  return refreshSession(verified, refreshSeconds, deps);
}
