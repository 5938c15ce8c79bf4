import Link from 'next/link';
import type { ReactNode } from 'react';
import { requestTheme } from '@/fuse/session/server';
import { Brand } from '@/fuse/ui/brand';

/**
 * Sign-in, sign-up and join: a centred card, in the theme the visitor chose (the session's, or the
 * theme cookie's after sign-out; "system" otherwise), in the first HTML like the dashboard. No
 * database read: the session is only verified, and the theme cookie only matched to the allow-list.
 */
export default async function AuthLayout({ children }: { children: ReactNode }) {
  const theme = await requestTheme();
  return (
    <div className="flex min-h-dvh flex-col items-center px-4 py-10 sm:justify-center" data-theme={theme}>
      <Link href="/" className="mb-6 no-underline hover:no-underline" aria-label="FUSE home">
        <Brand />
      </Link>
      <div className="w-full max-w-sm rounded-xl border border-border bg-card p-6 shadow-sm sm:p-8">{children}</div>
    </div>
  );
}
