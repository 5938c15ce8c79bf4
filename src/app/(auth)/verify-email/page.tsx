import { TokenLinkPage, type TokenLinkSearchParams } from '@/fuse/auth/components/token-link-page';

const title = 'Confirm your email address';
export const metadata = { title };

export default function VerifyEmailPage({ searchParams }: { searchParams: TokenLinkSearchParams }) {
  return (
    <TokenLinkPage
      searchParams={searchParams}
      title={title}
      footer={{ href: '/dashboard', label: 'Go to the dashboard' }}
      form={{
        action: '/api/auth/verify-email',
        label: 'Confirm your email address',
        submitLabel: 'Confirm my email address',
        done: 'Your email address is confirmed.',
      }}
    />
  );
}
