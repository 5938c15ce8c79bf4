import { TokenLinkPage, type TokenLinkSearchParams } from '@/fuse/auth/components/token-link-page';

const title = 'This wasn’t me';
export const metadata = { title };

export default function RevertEmailPage({ searchParams }: { searchParams: TokenLinkSearchParams }) {
  return (
    <TokenLinkPage
      searchParams={searchParams}
      title={title}
      description="If you did not change the email address of your account, put it back: every session of the account ends at once. Then reset your password."
      footer={{ href: '/forgot-password', label: 'Reset your password' }}
      form={{
        action: '/api/account/email/revert',
        label: 'Undo the email change',
        submitLabel: 'Put my address back and sign out everywhere',
        submitVariant: 'destructive',
      }}
    />
  );
}
