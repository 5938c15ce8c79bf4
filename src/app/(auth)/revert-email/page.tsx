import Link from 'next/link';
import { AccountForm } from '@/fuse/auth/components/account-form';
import { MissingToken } from '@/fuse/auth/components/missing-token';
import { firstParam } from '@/fuse/http/params';
import { AuthCard } from '@/fuse/ui/auth-card';

export const metadata = { title: 'This wasn’t me' };

export default async function RevertEmailPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const token = firstParam((await searchParams).token);
  return (
    <AuthCard
      title="This wasn’t me"
      description="If you did not change the email address of your account, put it back: every session of the account ends at once. Then reset your password."
      footer={<Link href="/forgot-password">Reset your password</Link>}
    >
      {token ? (
        <AccountForm
          action="/api/account/email/revert"
          label="Undo the email change"
          submitLabel="Put my address back and sign out everywhere"
          submitVariant="destructive"
          wide
          extra={{ token }}
        />
      ) : (
        <MissingToken>This link is incomplete. Open the link from the email again.</MissingToken>
      )}
    </AuthCard>
  );
}
