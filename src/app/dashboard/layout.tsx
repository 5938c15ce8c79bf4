import Link from 'next/link';
import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { SignOutButton } from '@/fuse/auth/components/sign-out-button';
import { getSession } from '@/fuse/session/server';

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const session = await getSession();
  if (!session) redirect('/sign-in?next=/dashboard');
  return (
    <div className="shell" data-theme={session.theme}>
      <aside className="sidebar">
        <span className="brand">FUSE</span>
        <nav>
          <Link href="/dashboard">Overview</Link>
          <Link href="/dashboard/clients">Clients</Link>
        </nav>
        <div className="who">
          {session.name}
          <br />
          {session.rank}
          <br />
          <SignOutButton />
        </div>
      </aside>
      <main>{children}</main>
    </div>
  );
}
