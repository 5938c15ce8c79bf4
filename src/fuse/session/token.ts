import { createHmac, timingSafeEqual } from 'node:crypto';
import { SignJWT } from 'jose';
import { z } from 'zod';
import { RANKS, THEMES, type Theme } from '@/fuse/auth/schema-types';

/** Longest life of one token (and its cookie); a refresh mints a new one, never past the session's end. */
export const SESSION_TTL_SECONDS = 30 * 24 * 60 * 60;

/** The `aud` of a session token: a token FUSE signs for another purpose is never a session. */
export const SESSION_AUDIENCE = 'fuse:session';

export const sessionClaims = z.object({
  sub: z.string().uuid(),
  sid: z.string().uuid(),
  sxp: z.number().int(),
  bid: z.string().uuid(),
  rank: z.enum(RANKS),
  name: z.string(),
  email: z.string(),
  theme: z.enum(THEMES),
  sv: z.number().int().nonnegative(),
  iat: z.number().int(),
  exp: z.number().int(),
});

/** What a verified session cookie says: enough to render a page without a database read. */
export type Session = SessionInput &
  SessionRef & {
    issuedAt: number;
    expiresAt: number;
  };

/** Who a session is for: what sign-in, sign-up and invite acceptance establish. */
export type SessionInput = {
  userId: string;
  businessId: string;
  rank: (typeof RANKS)[number];
  name: string;
  email: string;
  theme: Theme;
  sessionVersion: number;
};

/**
 * The server-side session a cookie belongs to (a row in `sessions`): its id and its absolute end
 * (epoch seconds). A re-mint of the same session (refresh, business switch, theme, password change)
 * carries both unchanged; only sign-in, sign-up and invite acceptance start a new one.
 */
export type SessionRef = { sessionId: string; sessionExpiresAt: number };

/** What a session token is minted from. */
export type SessionGrant = SessionInput & SessionRef;

/**
 * The HMAC key of each secret, imported once. Given raw bytes, jose imports a WebCrypto key on every
 * call: a second async round trip that doubled the median cookie read (≈ 55 → 25 µs) and put
 * milliseconds on its tail (bench "Cookie read"). Secrets live for the process, so a WeakMap keyed
 * by the secret's bytes holds each key exactly as long as its secret.
 */
const hmacKeys = new WeakMap<Uint8Array, Promise<CryptoKey>>();

function hmacKey(secret: Uint8Array): Promise<CryptoKey> {
  let key = hmacKeys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', secret as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    hmacKeys.set(secret, key);
  }
  return key;
}

/**
 * Mints a session token. It expires after `ttlSeconds`, but never after the session's absolute end
 * (`sessionExpiresAt`): however often it is refreshed, a session lives no longer than that.
 */
export async function mintSessionToken(
  input: SessionGrant,
  secret: Uint8Array,
  options: { now?: number; ttlSeconds?: number } = {},
): Promise<string> {
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  return new SignJWT({
    sid: input.sessionId,
    sxp: input.sessionExpiresAt,
    bid: input.businessId,
    rank: input.rank,
    name: input.name,
    email: input.email,
    theme: input.theme,
    sv: input.sessionVersion,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(input.userId)
    .setAudience(SESSION_AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(Math.min(now + (options.ttlSeconds ?? SESSION_TTL_SECONDS), input.sessionExpiresAt))
    .sign(await hmacKey(secret));
}

/** The protected header FUSE mints, accepted without parsing it. */
const SESSION_HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** A protected header jose would verify as HS256: alg HS256, a JWT if typed, no critical extensions, no unencoded payload. */
function acceptableHeader(encoded: string): boolean {
  if (encoded === SESSION_HEADER) return true;
  try {
    const h: unknown = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    if (!h || typeof h !== 'object' || Array.isArray(h)) return false;
    const { alg, typ, crit, b64 } = h as Record<string, unknown>;
    return alg === 'HS256' && (typ === undefined || typ === 'JWT') && crit === undefined && b64 === undefined;
  } catch {
    return false;
  }
}

/** The payload of a compact HS256 JWS signed by `secret`, or null (wrong signature, not JSON, not an object). */
function verifiedPayload(header: string, payload: string, signature: string, secret: Uint8Array): Record<string, unknown> | null {
  const expected = createHmac('sha256', secret).update(header).update('.').update(payload).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return claims && typeof claims === 'object' && !Array.isArray(claims) ? (claims as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Verifies a session token: HS256 only (no `none`, no algorithm confusion, no critical extensions),
 * `exp` required and in the future, `nbf` (if any) passed, the session
 * audience, claims shaped as FUSE mints them (a session id included). Tries the current secret, then
 * the previous one during a rotation. Returns null for anything that is not a valid, unexpired FUSE
 * session.
 *
 * Synchronous HMAC (node:crypto) rather than jose's WebCrypto verify: every request reads the cookie
 * (the proxy, then the handler), and WebCrypto runs each HMAC on the libuv thread pool, a hop that
 * cost ~20 µs per read and milliseconds of tail whenever the machine was busy. The tokens are the
 * same compact JWS jose mints (mintSessionToken); the checks are jose's for these options.
 */
export async function verifySessionToken(
  token: string | undefined | null,
  secrets: readonly Uint8Array[],
  options: { now?: number } = {},
): Promise<Session | null> {
  if (!token || token.length > 4096) return null;
  const parts = token.split('.');
  if (parts.length !== 3 || !BASE64URL.test(parts[0]!) || !BASE64URL.test(parts[1]!) || !BASE64URL.test(parts[2]!)) return null;
  if (!acceptableHeader(parts[0]!)) return null;
  let payload: Record<string, unknown> | null = null;
  for (const secret of secrets) {
    payload = verifiedPayload(parts[0]!, parts[1]!, parts[2]!, secret);
    if (payload) break;
  }
  if (!payload) return null;
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  const { exp, nbf, aud } = payload;
  if (typeof exp !== 'number' || exp <= now) return null;
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now)) return null;
  if (!(aud === SESSION_AUDIENCE || (Array.isArray(aud) && aud.includes(SESSION_AUDIENCE)))) return null;
  const claims = sessionClaims.safeParse(payload);
  if (!claims.success) return null;
  const c = claims.data;
  // A token is never valid past its session's absolute end, whatever its own `exp` says.
  if (c.exp > c.sxp) return null;
  return {
    userId: c.sub,
    sessionId: c.sid,
    sessionExpiresAt: c.sxp,
    businessId: c.bid,
    rank: c.rank,
    name: c.name,
    email: c.email,
    theme: c.theme,
    sessionVersion: c.sv,
    issuedAt: c.iat,
    expiresAt: c.exp,
  };
}
