import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AccountForm } from '@/fuse/auth/components/account-form';
import { DeleteAccount, SessionsList } from '@/fuse/auth/components/security-controls';
import { accountProfile } from '@/fuse/auth/lifecycle';
import { requireScope } from '@/fuse/session/scope';
import { listSessions } from '@/fuse/session/sessions';
import { Badge } from '@/fuse/ui/badge';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/fuse/ui/card';
import { PageHeader } from '@/fuse/ui/page-header';

export const metadata = { title: 'Security' };

export default async function SecurityPage() {
  const { session, db } = await requireScope();
  const [profile, sessions] = await Promise.all([accountProfile(db, session.userId), listSessions(db, session)]);
  if (!profile) notFound();
  return (
    <section className="security" aria-labelledby="security-title">
      <PageHeader
        title={<span id="security-title">Security</span>}
        description={
          <>
            Your email address, password, devices and account. <Link href="/dashboard/settings">Back to settings</Link>
          </>
        }
      />
      <div className="flex flex-col gap-6">
        <div className="grid gap-6 lg:grid-cols-2">
          <Card>
            <CardHeader>
              <CardTitle>Email address</CardTitle>
              <CardDescription className="flex flex-wrap items-center gap-2">
                <span className="break-all">{profile.email}</span>
                {profile.emailVerified ? <Badge tone="success">confirmed</Badge> : <Badge tone="warning">not confirmed yet</Badge>}
              </CardDescription>
            </CardHeader>
            <CardContent>
              <AccountForm
                action="/api/account/email"
                label="Change your email address"
                submitLabel="Change email address"
                fields={[
                  { name: 'email', label: 'New email address', type: 'email', autoComplete: 'email' },
                  { name: 'password', label: 'Your password', type: 'password', autoComplete: 'current-password' },
                ]}
              />
            </CardContent>
          </Card>

          <Card>
            <CardHeader>
              <CardTitle>Password</CardTitle>
              <CardDescription>Changing it signs out every other device.</CardDescription>
            </CardHeader>
            <CardContent>
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
            </CardContent>
          </Card>
        </div>

        <Card>
          <CardHeader>
            <CardTitle>Sessions</CardTitle>
            <CardDescription>Where your account is signed in. Ending a session signs that device out at once.</CardDescription>
          </CardHeader>
          <CardContent className="flex flex-col gap-4">
            <SessionsList initial={sessions} />
            <div className="border-t border-border pt-4">
              <AccountForm
                action="/api/auth/sign-out-everywhere"
                label="Sign out everywhere"
                submitLabel="Sign out everywhere"
                submitVariant="outline"
                next="/sign-in"
              />
            </div>
          </CardContent>
        </Card>

        <Card className="border-destructive">
          <CardHeader>
            <CardTitle>Delete your account</CardTitle>
            <CardDescription>
              Your memberships end and businesses where you are the only member are deleted with all their data. If you are the only captain of a
              business with other members, make one of them captain first. This cannot be undone.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <DeleteAccount />
          </CardContent>
        </Card>
      </div>
    </section>
  );
}
