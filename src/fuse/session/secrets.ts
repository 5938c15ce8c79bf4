import { config } from '@/fuse/config';

/** Current secret first; the previous one verifies (never signs) during a rotation. */
export function verificationSecrets(): Uint8Array[] {
  const { session } = config();
  return session.previousSecret ? [session.secret, session.previousSecret] : [session.secret];
}

export function signingSecret(): Uint8Array {
  return config().session.secret;
}
