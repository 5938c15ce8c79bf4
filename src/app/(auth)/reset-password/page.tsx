import { TokenLinkPage, type TokenLinkSearchParams } from '@/fuse/auth/components/token-link-page';

const title = 'Choose a new password';
export const metadata = { title };

export default function ResetPasswordPage({ searchParams }: { searchParams: TokenLinkSearchParams }) {
  return (
    <TokenLinkPage
      searchParams={searchParams}
      title={title}
      footer={{ href: '/forgot-password', label: 'Ask for a new link' }}
      missing="This link is incomplete. Open the link from the email again, or ask for a new one."
      form={{
        action: '/api/auth/password-reset/confirm',
        label: 'Choose a new password',
        submitLabel: 'Set password and sign in',
        next: '/dashboard',
        fields: [
          {
            name: 'password',
            label: 'New password',
            type: 'password',
            autoComplete: 'new-password',
            hint: 'At least 10 characters, letters mixed with numbers or symbols.',
          },
        ],
      }}
    />
  );
}
