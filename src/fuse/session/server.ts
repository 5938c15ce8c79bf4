import 'server-only';
export { ForbiddenError, UnauthorizedError } from './errors';
import { cookies, headers } from 'next/headers';
import { cache } from 'react';
import { config } from '@/fuse/config';
import { assertPagePolicyRan } from '@/fuse/http/page-policy';
import { requestOrigin } from '@/fuse/security/client-ip';
import type { Theme } from '@/fuse/auth/schema-types';
import {
  readSessionCookie,
  sessionCookieName,
  sessionCookieOptions,
  sessionCookieWrites,
  THEME_COOKIE_NAME,
  themeCookieOptions,
  themeFromCookie,
} from './cookie';
import { refreshSession } from './refresh';
import { verificationSecrets, signingSecret } from './secrets';
import { UnauthorizedError } from './errors';
import { mintSessionToken, verifySessionToken, type Session, type SessionGrant } from './token';

/**
 * The session of this request, verified from the cookie once per request (React `cache`) and
 * checked against the revocations this instance knows (memory). It does not trust the page policy
 * (src/fuse/http/page-policy.ts): a request that skipped it is checked here all the same, and one
 * carrying a policy mark this process did not set is refused. A cookie marked for a re-check (a
 * rank change) is re-checked against the database here only when the page policy could not refresh it.
 */
export const getSession = cache(async (): Promise<Session | null> => {
  assertPagePolicyRan(await headers());
  const jar = await cookies();
  const verified = await verifySessionToken(readSessionCookie(jar, await requestIsSecure()), verificationSecrets());
  if (!verified) return null;
  return (await refreshSession(verified, Number.POSITIVE_INFINITY)).session;
});

/** The session the cookie names, verified but revoked or not: sign-out ends it either way. */
export async function presentedSession(): Promise<Session | null> {
  return verifySessionToken(readSessionCookie(await cookies(), await requestIsSecure()), verificationSecrets());
}

/**
 * The theme of a page drawn without a session read (sign-in, sign-up, join): the session cookie's,
 * verified but not refreshed (no database read), else the theme cookie's, else "system".
 */
export async function requestTheme(): Promise<Theme> {
  const session = await presentedSession();
  if (session) return session.theme;
  return themeFromCookie((await cookies()).get(THEME_COOKIE_NAME)?.value);
}

/** The signed-in session; what it may do is the data layer's to assert (src/fuse/auth/permissions.ts). */
export async function requireSession(): Promise<Session> {
  const session = await getSession();
  if (!session) throw new UnauthorizedError();
  return session;
}

/** HTTPS as the browser sees it (src/fuse/security/client-ip.ts requestOrigin): it picks the cookie name. */
async function requestIsSecure(): Promise<boolean> {
  return requestOrigin(await headers(), config()).https;
}

/**
 * Sets the session cookie from a Server Action or route handler. The grant names its server-side
 * session: a new one from `startSession`, or the current one (`sessionId`, `sessionExpiresAt`) for a re-mint.
 */
export async function setSessionCookie(input: SessionGrant): Promise<void> {
  const secure = await requestIsSecure();
  const token = await mintSessionToken(input, signingSecret());
  const jar = await cookies();
  jar.set(sessionCookieName(secure), token, sessionCookieOptions(secure));
  // The theme outlives the session (sign-out keeps it), so the auth pages keep drawing it.
  jar.set(THEME_COOKIE_NAME, input.theme, themeCookieOptions(secure));
}

export async function clearSessionCookie(): Promise<void> {
  const jar = await cookies();
  for (const { name, options } of sessionCookieWrites({ cleared: true }, false)) {
    const { httpOnly, sameSite, path, secure } = options;
    jar.delete({ name, httpOnly, sameSite, path, secure });
  }
}
