import 'server-only';
import { MailWarning } from 'lucide-react';
import { unverifiedProfile } from '@/fuse/auth/lifecycle';
import { mailDelivery } from '@/fuse/mail/mailer';
import { requireScope } from '@/fuse/session/scope';
import { ResendVerification } from './security-controls';

/** "Confirm your email address" across the dashboard while the user's address is unverified. */
export async function VerifyBanner() {
  if (mailDelivery() === 'none') return null;
  const { session, db } = await requireScope();
  const profile = await unverifiedProfile(db, session.userId);
  if (!profile) return null;
  return (
    <div className="banner mb-6 flex gap-3 rounded-xl border border-border bg-card p-4 text-sm shadow-xs" role="status">
      <MailWarning aria-hidden className="mt-0.5 size-5 shrink-0 text-primary" />
      <p className="min-w-0 break-words">
        <strong className="font-semibold">Confirm your email address:</strong> we sent a link to {profile.email}. Until then you cannot invite others
        or change billing. <ResendVerification />
      </p>
    </div>
  );
}
