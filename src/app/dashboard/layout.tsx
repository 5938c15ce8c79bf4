import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { VerifyBanner } from '@/fuse/auth/components/verify-banner';
import { UserMenu } from '@/fuse/auth/components/user-menu';
import { getSession } from '@/fuse/session/server';
import { sessionSlice } from '@/fuse/store/slices';
import { Brand } from '@/fuse/ui/brand';
import { MobileNav } from '@/fuse/ui/mobile-nav';
import { DashboardNavigation, DashboardOutlet } from './instant-previews';
import { NavLinks } from './nav-links';

/**
 * The dashboard shell: a sidebar on wide screens, a header with a menu sheet on phones. The theme
 * is the session's, in the first HTML (globals.css pins the document's colour scheme from it).
 */
export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const session = await getSession();
  if (!session) redirect('/sign-in?next=/dashboard');
  const user = { name: session.name, email: session.email, rank: session.rank };
  return (
    <div className="shell min-h-dvh lg:grid lg:grid-cols-[15rem_minmax(0,1fr)]" data-theme={session.theme}>
      <DashboardNavigation rank={session.rank} session={sessionSlice(session).session}>
        <a
          href="#main"
          className="sr-only rounded-md bg-primary px-3 py-2 text-primary-foreground focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50"
        >
          Skip to content
        </a>
        {/* The column carries the colour the whole page down; the sidebar inside it stays in view. */}
        <div className="hidden border-r border-border bg-card lg:block">
          <aside className="sticky top-0 flex h-dvh flex-col gap-4 p-3">
            <Brand className="px-3 pt-2" />
            <NavLinks rank={session.rank} />
            <div className="mt-auto">
              <UserMenu {...user} />
            </div>
          </aside>
        </div>
        <header className="sticky top-0 z-30 flex h-14 items-center gap-2 border-b border-border bg-card px-3 lg:hidden">
          <MobileNav title={<Brand />}>
            <NavLinks rank={session.rank} />
          </MobileNav>
          <Brand />
          <div className="ml-auto">
            <UserMenu {...user} compact />
          </div>
        </header>
        <main id="main" className="mx-auto w-full max-w-6xl min-w-0 px-4 py-6 sm:px-6 lg:px-8 lg:py-8">
          <VerifyBanner />
          <DashboardOutlet>{children}</DashboardOutlet>
        </main>
      </DashboardNavigation>
    </div>
  );
}
