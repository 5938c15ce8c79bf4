import Link from 'next/link';
import { AccountForm } from '@/fuse/auth/components/account-form';
import { MissingToken } from '@/fuse/auth/components/missing-token';
import { firstParam } from '@/fuse/http/params';
import { AuthCard } from '@/fuse/ui/auth-card';

export const metadata = { title: 'Confirm your email address' };

/** The link only opens this page; the button spends it (a mail scanner that opens links spends nothing). */
export default async function VerifyEmailPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const token = firstParam((await searchParams).token);
  return (
    <AuthCard title="Confirm your email address" footer={<Link href="/dashboard">Go to the dashboard</Link>}>
      {token ? (
        <AccountForm
          action="/api/auth/verify-email"
          label="Confirm your email address"
          submitLabel="Confirm my email address"
          wide
          extra={{ token }}
          done="Your email address is confirmed."
        />
      ) : (
        <MissingToken>This link is incomplete. Open the link from the email again.</MissingToken>
      )}
    </AuthCard>
  );
}
