import Link from 'next/link';
import { AccountForm } from '@/fuse/auth/components/account-form';
import { firstParam } from '@/fuse/http/params';

export const metadata = { title: 'Confirm your email address' };

/** The link only opens this page; the button spends it (a mail scanner that opens links spends nothing). */
export default async function VerifyEmailPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const token = firstParam((await searchParams).token);
  return (
    <main className="auth">
      <h1>Confirm your email address</h1>
      {token ? (
        <AccountForm
          action="/api/auth/verify-email"
          label="Confirm your email address"
          submitLabel="Confirm my email address"
          extra={{ token }}
          done="Your email address is confirmed."
        />
      ) : (
        <p role="alert">This link is incomplete. Open the link from the email again.</p>
      )}
      <p className="muted">
        <Link href="/dashboard">Go to the dashboard</Link>
      </p>
    </main>
  );
}
