'use client';

import { useEffect, useMemo, type ReactNode } from 'react';
import { formatMoney } from '@/domains/finance/money';
import type { Rank } from '@/fuse/auth/schema-types';
import { InstantNavigation, InstantOutlet, type InstantTarget, type PreviewLoader } from '@/fuse/store/instant-navigation';
import type { SessionView } from '@/fuse/store/slices';
import { DOMAINS } from './domains';
import { dashboardNav } from './navigation';

/** Loads each sidebar page's preview (its view drawn from the preloaded slice), keyed like the preload targets (the domain's name). */
const PREVIEWS: Record<string, PreviewLoader> = Object.fromEntries(
  DOMAINS.flatMap((domain) => (domain.preload ? [[domain.name, domain.preload.preview]] : [])),
);

/**
 * Instant navigation for the pages this rank's sidebar offers. A client component: the domains'
 * manifests (and their previews' dynamic imports) stay out of the server's module graph, where a
 * previewed view would become a client reference of the layout and load with every page.
 */
export function DashboardNavigation({ rank, session, children }: { rank: Rank; session: SessionView; children: ReactNode }) {
  const targets = useMemo(
    () =>
      dashboardNav(rank).flatMap(({ preload }): InstantTarget[] => {
        const preview = preload && PREVIEWS[preload.key];
        return preload && preview ? [{ ...preload, preview }] : [];
      }),
    [rank],
  );
  return (
    <InstantNavigation targets={targets} session={session}>
      {children}
    </InstantNavigation>
  );
}

export function DashboardOutlet({ children }: { children: ReactNode }) {
  useEffect(() => {
    // The browser's first money format loads its number data (tens of ms): pay that while idle, not
    // on the click that shows a preloaded finance page.
    const warm = () => ['USD', 'EUR', 'GBP'].forEach((c) => formatMoney(0, c));
    if (typeof window.requestIdleCallback !== 'function') return void setTimeout(warm, 500);
    const id = window.requestIdleCallback(warm, { timeout: 5_000 });
    return () => window.cancelIdleCallback(id);
  }, []);
  return <InstantOutlet>{children}</InstantOutlet>;
}
