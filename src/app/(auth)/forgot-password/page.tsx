import Link from 'next/link';
import { AccountForm } from '@/fuse/auth/components/account-form';

export const metadata = { title: 'Forgot your password' };

export default function ForgotPasswordPage() {
  return (
    <main className="auth">
      <h1>Forgot your password?</h1>
      <p>Enter the email address of your account. We will mail you a link to choose a new password.</p>
      <AccountForm
        action="/api/auth/password-reset"
        label="Reset your password"
        submitLabel="Email me a link"
        fields={[{ name: 'email', label: 'Email', type: 'email', autoComplete: 'email' }]}
      />
      <p className="muted">
        Remembered it? <Link href="/sign-in">Sign in</Link>
      </p>
    </main>
  );
}
