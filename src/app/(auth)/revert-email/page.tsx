import Link from 'next/link';
import { AccountForm } from '@/fuse/auth/components/account-form';
import { firstParam } from '@/fuse/http/params';

export const metadata = { title: 'This wasn’t me' };

export default async function RevertEmailPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const token = firstParam((await searchParams).token);
  return (
    <main className="auth">
      <h1>This wasn’t me</h1>
      <p>
        If you did not change the email address of your account, put it back: every session of the account ends at once. Then reset your password.
      </p>
      {token ? (
        <AccountForm
          action="/api/account/email/revert"
          label="Undo the email change"
          submitLabel="Put my address back and sign out everywhere"
          extra={{ token }}
        />
      ) : (
        <p role="alert">This link is incomplete. Open the link from the email again.</p>
      )}
      <p className="muted">
        <Link href="/forgot-password">Reset your password</Link>
      </p>
    </main>
  );
}
