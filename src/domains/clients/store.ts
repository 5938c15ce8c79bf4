import { makeFuseStore } from '@/fuse/store/provider';
import { sessionSlice, uiSlice, type SessionSlice, type SessionView, type UiSlice } from '@/fuse/store/slices';
import { clientsSlice, type ClientsInitial, type ClientsSlice } from './slice';

export type ClientsStoreState = SessionSlice & UiSlice & ClientsSlice;
export type ClientsStoreInitial = { session: SessionView; clients: ClientsInitial };

export function createClientsStore(initial: ClientsStoreInitial) {
  return makeFuseStore<ClientsStoreState>((set, get) => ({
    ...sessionSlice(initial.session),
    ...uiSlice<ClientsStoreState>(set),
    ...clientsSlice(initial.clients, set, get),
  }));
}
