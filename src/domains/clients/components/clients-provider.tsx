'use client';

import type { ReactNode } from 'react';
import { createDomainStore, type DomainInitial } from '@/fuse/store/domain-store';
import { FuseProvider } from '@/fuse/store/provider';
import { clientsSlice, type ClientsInitial, type ClientsStoreState } from '../slice';

export type ClientsStoreInitial = DomainInitial<'clients', ClientsInitial>;

const createClientsStore = createDomainStore('clients', clientsSlice);

/** A resync reloads the list as the current filter shows it. */
const reloadClients = (state: ClientsStoreState) => state.clients.setFilter({});

export function ClientsProvider({
  initial,
  livePosition,
  children,
}: {
  initial: ClientsStoreInitial;
  /** Outbox position the page's data was read at; null only for a preview from the preload cache. */
  livePosition: number | null;
  children: ReactNode;
}) {
  return (
    <FuseProvider initial={initial} create={createClientsStore} livePosition={livePosition} onResync={reloadClients}>
      {children}
    </FuseProvider>
  );
}
