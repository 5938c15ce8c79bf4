import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AccountForm } from '@/fuse/auth/components/account-form';
import { SessionsList } from '@/fuse/auth/components/security-controls';
import { accountProfile } from '@/fuse/auth/lifecycle';
import { requireScope } from '@/fuse/session/scope';
import { listSessions } from '@/fuse/session/sessions';

export const metadata = { title: 'Security' };

export default async function SecurityPage() {
  const { session, db } = await requireScope();
  const [profile, sessions] = await Promise.all([accountProfile(db, session.userId), listSessions(db, session)]);
  if (!profile) notFound();
  return (
    <section className="security" aria-labelledby="security-title">
      <h1 id="security-title">Security</h1>
      <p className="muted">
        <Link href="/dashboard/settings">Back to settings</Link>
      </p>

      <h2>Email address</h2>
      <p>
        {profile.email} — {profile.emailVerified ? 'confirmed' : 'not confirmed yet'}
      </p>
      <AccountForm
        action="/api/account/email"
        label="Change your email address"
        submitLabel="Change email address"
        fields={[
          { name: 'email', label: 'New email address', type: 'email', autoComplete: 'email' },
          { name: 'password', label: 'Your password', type: 'password', autoComplete: 'current-password' },
        ]}
      />

      <h2>Password</h2>
      <AccountForm
        action="/api/auth/password"
        label="Change your password"
        submitLabel="Change password"
        done="Your password is changed. Every other device is signed out."
        fields={[
          { name: 'currentPassword', label: 'Current password', type: 'password', autoComplete: 'current-password' },
          {
            name: 'newPassword',
            label: 'New password',
            type: 'password',
            autoComplete: 'new-password',
            hint: 'At least 10 characters, letters mixed with numbers or symbols.',
          },
        ]}
      />

      <h2>Sessions</h2>
      <p className="muted">Where your account is signed in. Ending a session signs that device out at once.</p>
      <SessionsList initial={sessions} />
      <AccountForm action="/api/auth/sign-out-everywhere" label="Sign out everywhere" submitLabel="Sign out everywhere" next="/sign-in" />

      <h2>Delete your account</h2>
      <p>
        Your memberships end and businesses where you are the only member are deleted with all their data. If you are the only captain of a business
        with other members, make one of them captain first. This cannot be undone.
      </p>
      <AccountForm
        action="/api/account"
        method="DELETE"
        label="Delete your account"
        submitLabel="Delete my account"
        next="/"
        fields={[{ name: 'password', label: 'Your password', type: 'password', autoComplete: 'current-password' }]}
      />
    </section>
  );
}
