import { makeFuseStore } from '@/fuse/store/provider';
import { sessionSlice, uiSlice, type SessionSlice, type SessionView, type UiSlice } from '@/fuse/store/slices';
import { financeSlice, type FinanceInitial, type FinanceSlice } from './slice';

export type FinanceStoreState = SessionSlice & UiSlice & FinanceSlice;
export type FinanceStoreInitial = { session: SessionView; finance: FinanceInitial };

export function createFinanceStore(initial: FinanceStoreInitial) {
  return makeFuseStore<FinanceStoreState>((set, get) => ({
    ...sessionSlice(initial.session),
    ...uiSlice<FinanceStoreState>(set),
    ...financeSlice(initial.finance, set, get),
  }));
}
