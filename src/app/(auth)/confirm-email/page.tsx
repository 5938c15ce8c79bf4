import { TokenLinkPage, type TokenLinkSearchParams } from '@/fuse/auth/components/token-link-page';

const title = 'Confirm your new email address';
export const metadata = { title };

export default function ConfirmEmailPage({ searchParams }: { searchParams: TokenLinkSearchParams }) {
  return (
    <TokenLinkPage
      searchParams={searchParams}
      title={title}
      footer={{ href: '/dashboard', label: 'Go to the dashboard' }}
      form={{
        action: '/api/account/email/confirm',
        label: 'Confirm your new email address',
        submitLabel: 'Use this email address',
        done: 'Your account now uses this email address.',
      }}
    />
  );
}
