import Link from 'next/link';
import { AccountForm } from '@/fuse/auth/components/account-form';
import { MissingToken } from '@/fuse/auth/components/missing-token';
import { firstParam } from '@/fuse/http/params';
import { AuthCard } from '@/fuse/ui/auth-card';

export const metadata = { title: 'Choose a new password' };

export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const token = firstParam((await searchParams).token);
  return (
    <AuthCard title="Choose a new password" footer={<Link href="/forgot-password">Ask for a new link</Link>}>
      {token ? (
        <AccountForm
          action="/api/auth/password-reset/confirm"
          label="Choose a new password"
          submitLabel="Set password and sign in"
          wide
          extra={{ token }}
          next="/dashboard"
          fields={[
            {
              name: 'password',
              label: 'New password',
              type: 'password',
              autoComplete: 'new-password',
              hint: 'At least 10 characters, letters mixed with numbers or symbols.',
            },
          ]}
        />
      ) : (
        <MissingToken>This link is incomplete. Open the link from the email again, or ask for a new one.</MissingToken>
      )}
    </AuthCard>
  );
}
