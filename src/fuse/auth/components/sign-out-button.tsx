'use client';

export function SignOutButton() {
  return (
    <button
      type="button"
      className="link"
      onClick={async () => {
        await fetch('/api/auth/sign-out', { method: 'POST' });
        window.location.assign('/sign-in');
      }}
    >
      Sign out
    </button>
  );
}
