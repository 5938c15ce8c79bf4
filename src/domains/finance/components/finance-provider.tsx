'use client';

import type { ReactNode } from 'react';
import { createDomainStore, type DomainInitial } from '@/fuse/store/domain-store';
import { FuseProvider } from '@/fuse/store/provider';
import { financeSlice, type FinanceInitial, type FinanceStoreState } from '../slice';

export type FinanceStoreInitial = DomainInitial<'finance', FinanceInitial>;

const createFinanceStore = createDomainStore('finance', financeSlice);

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
  /** Outbox position the page's data was read at; null only for a preview from the preload cache. */
  livePosition: number | null;
  children: ReactNode;
}) {
  return (
    <FuseProvider initial={initial} create={createFinanceStore} livePosition={livePosition} onResync={reloadFinance}>
      {children}
    </FuseProvider>
  );
}
