import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { SignOutButton } from '@/fuse/auth/components/sign-out-button';
import { VerifyBanner } from '@/fuse/auth/components/verify-banner';
import { getSession } from '@/fuse/session/server';
import { InstantLink, InstantNavigation, type PreloadTarget } from '@/fuse/store/instant-navigation';
import { sessionSlice } from '@/fuse/store/slices';
import { DashboardOutlet } from './instant-previews';
import { dashboardNav } from './navigation';

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const session = await getSession();
  if (!session) redirect('/sign-in?next=/dashboard');
  const nav = dashboardNav(session.rank);
  const preload = nav.flatMap((item) => (item.preload ? [item.preload] : ([] as PreloadTarget[])));
  return (
    <div className="shell" data-theme={session.theme}>
      <InstantNavigation targets={preload} session={sessionSlice(session).session}>
        <aside className="sidebar">
          <span className="brand">FUSE</span>
          <nav>
            {nav.map((item) => (
              <InstantLink key={item.href} href={item.href}>
                <span className="nav-icon" aria-hidden="true">
                  {item.icon}
                </span>
                {item.label}
              </InstantLink>
            ))}
          </nav>
          <div className="who">
            {session.name}
            <br />
            {session.rank}
            <br />
            <SignOutButton />
          </div>
        </aside>
        <main>
          <VerifyBanner />
          <DashboardOutlet>{children}</DashboardOutlet>
        </main>
      </InstantNavigation>
    </div>
  );
}
