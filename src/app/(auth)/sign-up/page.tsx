import Link from 'next/link';
import { AuthForm } from '@/fuse/auth/components/auth-form';
import { AuthCard } from '@/fuse/ui/auth-card';

export const metadata = { title: 'Create a business' };

export default function SignUpPage() {
  return (
    <AuthCard
      title="Create a business"
      description="Your own workspace for clients, invoices and your team."
      footer={
        <>
          Already have an account? <Link href="/sign-in">Sign in</Link>
        </>
      }
    >
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
    </AuthCard>
  );
}
