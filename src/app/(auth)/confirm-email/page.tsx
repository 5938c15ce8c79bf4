import Link from 'next/link';
import { AccountForm } from '@/fuse/auth/components/account-form';
import { firstParam } from '@/fuse/http/params';

export const metadata = { title: 'Confirm your new email address' };

export default async function ConfirmEmailPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const token = firstParam((await searchParams).token);
  return (
    <main className="auth">
      <h1>Confirm your new email address</h1>
      {token ? (
        <AccountForm
          action="/api/account/email/confirm"
          label="Confirm your new email address"
          submitLabel="Use this email address"
          extra={{ token }}
          done="Your account now uses this email address."
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
