import Link from 'next/link';
import { AuthForm } from '@/fuse/auth/components/auth-form';

export const metadata = { title: 'Create a business' };

export default function SignUpPage() {
  return (
    <main className="auth">
      <h1>Create a business</h1>
      <AuthForm
        action="/api/auth/sign-up"
        submitLabel="Create business"
        next="/dashboard"
        fields={[
          { name: 'name', label: 'Your name', autoComplete: 'name' },
          { name: 'businessName', label: 'Business name', autoComplete: 'organization' },
          { name: 'email', label: 'Email', type: 'email', autoComplete: 'email' },
          { name: 'password', label: 'Password (10+ characters)', type: 'password', autoComplete: 'new-password' },
        ]}
      />
      <p className="muted">
        Already have an account? <Link href="/sign-in">Sign in</Link>
      </p>
    </main>
  );
}
