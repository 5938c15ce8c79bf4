import 'server-only';
export { ForbiddenError, UnauthorizedError } from './errors';
import { cookies, headers } from 'next/headers';
import { cache } from 'react';
import { rankAtLeast, type Rank } from '@/fuse/auth/schema-types';
import { config } from '@/fuse/config';
import { requestOrigin } from '@/fuse/security/client-ip';
import { readSessionCookie, sessionCookieName, sessionCookieOptions, sessionCookieWrites } from './cookie';
import { verificationSecrets, signingSecret } from './secrets';
import { ForbiddenError, UnauthorizedError } from './errors';
import { mintSessionToken, verifySessionToken, type Session, type SessionInput } from './token';

/**
 * The session of this request, verified from the cookie once per request (React `cache`). It does
 * not trust the proxy: a request that skipped the proxy is checked here all the same.
 */
export const getSession = cache(async (): Promise<Session | null> => {
  const jar = await cookies();
  return verifySessionToken(readSessionCookie(jar, await requestIsSecure()), verificationSecrets());
});

export async function requireSession(minimumRank: Rank = 'crew'): Promise<Session> {
  const session = await getSession();
  if (!session) throw new UnauthorizedError();
  if (!rankAtLeast(session.rank, minimumRank)) throw new ForbiddenError();
  return session;
}

/** HTTPS as the browser sees it (src/fuse/security/client-ip.ts requestOrigin): it picks the cookie name. */
async function requestIsSecure(): Promise<boolean> {
  return requestOrigin(await headers(), config()).https;
}

/** Sets the session cookie from a Server Action or route handler. */
export async function setSessionCookie(input: SessionInput): Promise<void> {
  const secure = await requestIsSecure();
  const token = await mintSessionToken(input, signingSecret());
  const jar = await cookies();
  jar.set(sessionCookieName(secure), token, sessionCookieOptions(secure));
}

export async function clearSessionCookie(): Promise<void> {
  const jar = await cookies();
  for (const { name, options } of sessionCookieWrites({ cleared: true }, false)) {
    const { httpOnly, sameSite, path, secure } = options;
    jar.delete({ name, httpOnly, sameSite, path, secure });
  }
}
