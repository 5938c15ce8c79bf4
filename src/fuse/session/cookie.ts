import { SESSION_TTL_SECONDS } from './token';

/** `__Host-` binds the cookie to this exact origin over HTTPS; browsers refuse that prefix on plain HTTP. */
export const SECURE_COOKIE_NAME = '__Host-FUSE_SESSION';
export const PLAIN_COOKIE_NAME = 'FUSE_SESSION';

export function sessionCookieName(secure: boolean): string {
  return secure ? SECURE_COOKIE_NAME : PLAIN_COOKIE_NAME;
}

export type CookieReader = { get(name: string): { value: string } | undefined };

export function readSessionCookie(cookies: CookieReader): string | undefined {
  return cookies.get(SECURE_COOKIE_NAME)?.value ?? cookies.get(PLAIN_COOKIE_NAME)?.value;
}

export function sessionCookieOptions(secure: boolean) {
  return {
    httpOnly: true,
    sameSite: 'lax' as const,
    path: '/',
    secure,
    maxAge: SESSION_TTL_SECONDS,
  };
}

/** HTTPS as the browser sees it: the URL, or X-Forwarded-Proto set by a TLS-terminating proxy. */
export function isSecureRequest(url: string, headers: Headers): boolean {
  if (url.startsWith('https:')) return true;
  return headers.get('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
}
