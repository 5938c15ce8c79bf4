import { hkdfSync } from 'node:crypto';
import { config } from '@/fuse/config';

/** Current secret first; the previous one verifies (never signs) during a rotation. */
export function verificationSecrets(): Uint8Array[] {
  const { session } = config();
  return session.previousSecret ? [session.secret, session.previousSecret] : [session.secret];
}

export function signingSecret(): Uint8Array {
  return config().session.secret;
}

/**
 * A key for another use than session tokens, derived from the session secret with HKDF-SHA256 and
 * the use's name: a MAC made with it is never a valid session signature, and one key leaking says
 * nothing of the others or of the secret.
 */
export function derivedKey(secret: Uint8Array, use: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, new Uint8Array(0), `fuse ${use}`, 32));
}

const cursorKeys = new WeakMap<Uint8Array, Uint8Array>();

/** The key of list cursors' MACs (src/fuse/db/cursor.ts), derived once per secret. */
export function cursorKey(): Uint8Array {
  const secret = signingSecret();
  let key = cursorKeys.get(secret);
  if (!key) {
    key = derivedKey(secret, 'cursor v1');
    cursorKeys.set(secret, key);
  }
  return key;
}
