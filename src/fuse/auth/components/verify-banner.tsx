import 'server-only';
import { accountProfile } from '@/fuse/auth/lifecycle';
import { mailDelivery } from '@/fuse/mail/mailer';
import { requireScope } from '@/fuse/session/scope';
import { ResendVerification } from './security-controls';

/** "Confirm your email address" across the dashboard while the user's address is unverified. */
export async function VerifyBanner() {
  if (mailDelivery() === 'none') return null;
  const { session, db } = await requireScope();
  const profile = await accountProfile(db, session.userId);
  if (!profile || profile.emailVerified) return null;
  return (
    <p className="banner" role="status">
      Confirm your email address: we sent a link to {profile.email}. Until then you cannot invite others or change billing. <ResendVerification />
    </p>
  );
}
