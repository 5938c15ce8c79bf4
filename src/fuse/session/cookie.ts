import { THEMES, type Theme } from '@/fuse/auth/schema-types';
import { SESSION_TTL_SECONDS } from './token';

/** `__Host-` binds the cookie to this exact origin over HTTPS; browsers refuse that prefix on plain HTTP. */
export const SECURE_COOKIE_NAME = '__Host-FUSE_SESSION';
export const PLAIN_COOKIE_NAME = 'FUSE_SESSION';

export function sessionCookieName(secure: boolean): string {
  return secure ? SECURE_COOKIE_NAME : PLAIN_COOKIE_NAME;
}

export type CookieReader = { get(name: string): { value: string } | undefined };

/**
 * The session token of a request: over HTTPS only the `__Host-` cookie counts, over plain HTTP only
 * the plain one. A plain cookie can be planted from a sibling subdomain or over HTTP (it has no
 * prefix the browser enforces), so it must not be able to stand in for the secure one.
 */
export function readSessionCookie(cookies: CookieReader, secure: boolean): string | undefined {
  return cookies.get(sessionCookieName(secure))?.value;
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

/** A `Cookie` request header as a reader (for code that runs before Next parses the request). */
export function parseCookieHeader(header: string | null | undefined): CookieReader {
  const jar = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const name = part.slice(0, i).trim();
    // A name sent twice: the last value, as Next's cookies() reads it, so every reader agrees.
    const raw = part.slice(i + 1).trim();
    try {
      jar.set(name, decodeURIComponent(raw));
    } catch {
      jar.set(name, raw);
    }
  }
  return { get: (name) => (jar.has(name) ? { value: jar.get(name)! } : undefined) };
}

/** A `Set-Cookie` value with the attributes of `sessionCookieOptions` (as Next writes it). */
export function serializeCookie(name: string, value: string, options: ReturnType<typeof sessionCookieOptions>): string {
  const parts = [
    `${name}=${encodeURIComponent(value)}`,
    `Path=${options.path}`,
    `Expires=${new Date(Date.now() + options.maxAge * 1000).toUTCString()}`,
    `Max-Age=${options.maxAge}`,
  ];
  if (options.secure) parts.push('Secure');
  if (options.httpOnly) parts.push('HttpOnly');
  parts.push(`SameSite=${options.sameSite}`);
  return parts.join('; ');
}

export type CookieWrite = { name: string; value: string; options: ReturnType<typeof sessionCookieOptions> };

/**
 * The Set-Cookies that carry a session change to the browser: a new token under the request's
 * cookie name, and/or the deletion of both names. A deletion carries the attributes the cookie was
 * set with: browsers ignore a `__Host-` Set-Cookie without Secure and Path=/, so the session would
 * otherwise outlive sign-out over HTTPS.
 */
export function sessionCookieWrites(change: { token?: string | null; cleared?: boolean }, secure: boolean): CookieWrite[] {
  const writes: CookieWrite[] = [];
  if (change.token) writes.push({ name: sessionCookieName(secure), value: change.token, options: sessionCookieOptions(secure) });
  if (change.cleared) {
    for (const s of [true, false]) writes.push({ name: sessionCookieName(s), value: '', options: { ...sessionCookieOptions(s), maxAge: 0 } });
  }
  return writes;
}

/**
 * The theme the signed-in user chose, kept apart from the session so the sign-in and join pages draw
 * it in their first HTML after sign-out too. Not a secret and not trusted: any site script or the
 * visitor can set it, so only a name from the allow-list is ever read back (`themeFromCookie`).
 */
export const THEME_COOKIE_NAME = 'FUSE_THEME';

export function themeCookieOptions(secure: boolean) {
  return { httpOnly: true, sameSite: 'lax' as const, path: '/', secure, maxAge: 365 * 24 * 60 * 60 };
}

/** The theme a cookie value names, or "system" (the device decides) for anything else. */
export function themeFromCookie(value: string | undefined): Theme {
  return (THEMES as readonly string[]).includes(value ?? '') ? (value as Theme) : 'system';
}
