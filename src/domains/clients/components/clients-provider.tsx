'use client';

import type { DomainInitial } from '@/fuse/store/domain-store';
import { domainProvider } from '@/fuse/store/provider';
import { clientsSlice, type ClientsInitial } from '../slice';

export type ClientsStoreInitial = DomainInitial<'clients', ClientsInitial>;

/** A resync reloads the list as the current filter shows it. */
export const ClientsProvider = domainProvider('clients', clientsSlice, { onResync: (state) => state.clients.setFilter({}) });
