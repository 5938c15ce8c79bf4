import Link from 'next/link';
import type { ReactNode } from 'react';
import { Brand } from '@/fuse/ui/brand';

/**
 * Sign-in, sign-up and join: a centred card. No session is read here (a visitor has none, and the
 * pages stay cheap to render), so the theme is the device's: "system" in globals.css, no script.
 */
export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-dvh flex-col items-center px-4 py-10 sm:justify-center">
      <Link href="/" className="mb-6 no-underline hover:no-underline" aria-label="FUSE home">
        <Brand />
      </Link>
      <div className="w-full max-w-sm rounded-xl border border-border bg-card p-6 shadow-sm sm:p-8">{children}</div>
    </div>
  );
}
