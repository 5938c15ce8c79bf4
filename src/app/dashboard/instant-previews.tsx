'use client';

import { useEffect, type ReactNode } from 'react';
import { formatMoney } from '@/domains/finance/money';
import { InstantOutlet, type PreviewComponent } from '@/fuse/store/instant-navigation';
import { DOMAINS } from './domains';

/** Each sidebar page drawn from its preloaded slice, keyed like the preload targets (the domain's name). */
const PREVIEWS: Record<string, PreviewComponent> = Object.fromEntries(
  DOMAINS.flatMap((domain) => (domain.preload ? [[domain.name, domain.preload.preview]] : [])),
);

export function DashboardOutlet({ children }: { children: ReactNode }) {
  useEffect(() => {
    // The browser's first money format loads its number data (tens of ms): pay that while idle, not
    // on the click that shows a preloaded finance page.
    const warm = () => ['USD', 'EUR', 'GBP'].forEach((c) => formatMoney(0, c));
    if (typeof window.requestIdleCallback !== 'function') return void setTimeout(warm, 500);
    const id = window.requestIdleCallback(warm, { timeout: 5_000 });
    return () => window.cancelIdleCallback(id);
  }, []);
  return <InstantOutlet previews={PREVIEWS}>{children}</InstantOutlet>;
}
