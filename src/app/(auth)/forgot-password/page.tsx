import Link from 'next/link';
import { AccountForm } from '@/fuse/auth/components/account-form';
import { AuthCard } from '@/fuse/ui/auth-card';

export const metadata = { title: 'Forgot your password' };

export default function ForgotPasswordPage() {
  return (
    <AuthCard
      title="Forgot your password?"
      description="Enter the email address of your account. We will mail you a link to choose a new password."
      footer={
        <>
          Remembered it? <Link href="/sign-in">Sign in</Link>
        </>
      }
    >
      <AccountForm
        action="/api/auth/password-reset"
        label="Reset your password"
        submitLabel="Email me a link"
        wide
        fields={[{ name: 'email', label: 'Email', type: 'email', autoComplete: 'email' }]}
      />
    </AuthCard>
  );
}
