'use client';

import type { ReactNode } from 'react';
import { LiveSync } from '@/fuse/live/live-sync';
import { FuseProvider } from '@/fuse/store/provider';
import { createFinanceStore, type FinanceStoreInitial, type FinanceStoreState } from '../store';

/** A resync reloads the list as filtered and the totals. */
const reloadFinance = async (state: FinanceStoreState) => {
  await Promise.all([state.finance.setFilter({}), state.finance.refreshSummary()]);
};

export function FinanceProvider({
  initial,
  livePosition,
  children,
}: {
  initial: FinanceStoreInitial;
  /** Outbox position the page's data was read at; when given, the page stays current live. */
  livePosition?: number;
  children: ReactNode;
}) {
  return (
    <FuseProvider initial={initial} create={createFinanceStore}>
      {livePosition !== undefined ? <LiveSync position={livePosition} onResync={reloadFinance} /> : null}
      {children}
    </FuseProvider>
  );
}
