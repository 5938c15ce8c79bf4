'use client';

import { useEffect, type ReactNode } from 'react';
import { ClientsProvider } from '@/domains/clients/components/clients-provider';
import { ClientsView } from '@/domains/clients/components/clients-view';
import type { ClientPage } from '@/domains/clients/queries';
import { FinancePreview } from '@/domains/finance/components/finance-preview';
import { formatMoney } from '@/domains/finance/money';
import { SettingsPreview } from '@/domains/settings/components/settings-view';
import { TeamPreview } from '@/domains/team/components/team-view';
import { InstantOutlet, type PreviewComponent } from '@/fuse/store/instant-navigation';
import type { SessionView } from '@/fuse/store/slices';

function ClientsPreview({ data, session }: { data: unknown; session: SessionView }) {
  return (
    <ClientsProvider initial={{ session, clients: { ...(data as ClientPage), filter: { status: 'active', q: '' } } }} livePosition={null}>
      <ClientsView />
    </ClientsProvider>
  );
}

/** Each sidebar page drawn from its preloaded slice, keyed like the preload targets. */
const PREVIEWS: Record<string, PreviewComponent> = {
  clients: ClientsPreview,
  finance: FinancePreview,
  team: TeamPreview,
  settings: SettingsPreview,
};

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
