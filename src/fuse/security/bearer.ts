import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether an `Authorization` header is `Bearer <secret>`. Compared in constant time over SHA-256
 * digests, so neither the secret's content nor its length shows in how long a wrong guess takes.
 */
export function bearerMatches(authorization: string | null | undefined, secret: string | null | undefined): boolean {
  if (!secret || !authorization || !/^Bearer /i.test(authorization)) return false;
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(authorization.slice(7).trim()), digest(secret));
}
