import Link from 'next/link';
import { AuthForm } from '@/fuse/auth/components/auth-form';
import { safeNext } from '@/fuse/auth/next-path';

export const metadata = { title: 'Sign in' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const next = safeNext((await searchParams).next);
  return (
    <main className="auth">
      <h1>Sign in</h1>
      <AuthForm
        action="/api/auth/sign-in"
        submitLabel="Sign in"
        next={next}
        fields={[
          { name: 'email', label: 'Email', type: 'email', autoComplete: 'email' },
          { name: 'password', label: 'Password', type: 'password', autoComplete: 'current-password' },
        ]}
      />
      <p className="muted">
        <Link href="/forgot-password">Forgot your password?</Link>
      </p>
      <p className="muted">
        New here? <Link href="/sign-up">Create a business</Link>
      </p>
    </main>
  );
}
