'use client';

import type { DomainInitial } from '@/fuse/store/domain-store';
import { domainProvider } from '@/fuse/store/provider';
import { financeSlice, type FinanceInitial } from '../slice';

export type FinanceStoreInitial = DomainInitial<'finance', FinanceInitial>;

/** A resync reloads the list as filtered and the totals. */
export const FinanceProvider = domainProvider('finance', financeSlice, {
  onResync: async (state) => {
    await Promise.all([state.finance.setFilter({}), state.finance.refreshSummary()]);
  },
});
