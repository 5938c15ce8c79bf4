import { AuthForm } from '@/fuse/auth/components/auth-form';

/** Accepting an invite: a new account (name and password) or an existing one (its password). */
export function JoinForm({ token, email, existingAccount }: { token: string; email: string; existingAccount: boolean }) {
  return (
    <AuthForm
      action="/api/team/invites/accept"
      label="Accept invitation"
      extra={{ token }}
      next="/dashboard"
      replace
      submitLabel="Join"
      fields={[
        { label: 'Email', value: email },
        ...(existingAccount ? [] : [{ name: 'name', label: 'Your name', autoComplete: 'name' }]),
        {
          name: 'password',
          label: existingAccount ? 'Your password' : 'Choose a password',
          type: 'password',
          autoComplete: existingAccount ? 'current-password' : 'new-password',
        },
      ]}
    />
  );
}
