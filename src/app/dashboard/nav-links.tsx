'use client';

import type { Rank } from '@/fuse/auth/schema-types';
import { InstantLink } from '@/fuse/store/instant-navigation';
import { dashboardNav } from './navigation';

/**
 * The sidebar's links for a rank. A client component given only the rank: the links and their
 * icons are built where they render, so the page's RSC payload carries one reference instead of
 * every link's classes and icon paths (twice: the sidebar and the phone menu).
 */
export function NavLinks({ rank }: { rank: Rank }) {
  return (
    <nav aria-label="Main" className="flex flex-col gap-0.5">
      {dashboardNav(rank).map(({ href, label, icon: Icon }) => (
        <InstantLink key={href} href={href} className="nav-link">
          <Icon aria-hidden className="size-4 shrink-0" />
          {label}
        </InstantLink>
      ))}
    </nav>
  );
}
