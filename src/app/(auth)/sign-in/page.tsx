import Link from 'next/link';
import { AuthForm } from '@/fuse/auth/components/auth-form';
import { safeNext } from '@/fuse/auth/next-path';
import { AuthCard } from '@/fuse/ui/auth-card';

export const metadata = { title: 'Sign in' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const next = safeNext((await searchParams).next);
  return (
    <AuthCard
      title="Sign in"
      description="Welcome back. Sign in to your business."
      footer={
        <>
          New here? <Link href="/sign-up">Create a business</Link>
        </>
      }
    >
      <AuthForm
        action="/api/auth/sign-in"
        submitLabel="Sign in"
        next={next}
        fields={[
          { name: 'email', label: 'Email', type: 'email', autoComplete: 'email' },
          { name: 'password', label: 'Password', type: 'password', autoComplete: 'current-password' },
        ]}
      />
      <p className="mt-4 text-sm">
        <Link href="/forgot-password">Forgot your password?</Link>
      </p>
    </AuthCard>
  );
}
