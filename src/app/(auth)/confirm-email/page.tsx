import Link from 'next/link';
import { AccountForm } from '@/fuse/auth/components/account-form';
import { MissingToken } from '@/fuse/auth/components/missing-token';
import { firstParam } from '@/fuse/http/params';
import { AuthCard } from '@/fuse/ui/auth-card';

export const metadata = { title: 'Confirm your new email address' };

export default async function ConfirmEmailPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const token = firstParam((await searchParams).token);
  return (
    <AuthCard title="Confirm your new email address" footer={<Link href="/dashboard">Go to the dashboard</Link>}>
      {token ? (
        <AccountForm
          action="/api/account/email/confirm"
          label="Confirm your new email address"
          submitLabel="Use this email address"
          wide
          extra={{ token }}
          done="Your account now uses this email address."
        />
      ) : (
        <MissingToken>This link is incomplete. Open the link from the email again.</MissingToken>
      )}
    </AuthCard>
  );
}
