'use client';

import type { ReactNode } from 'react';
import { LiveSync } from '@/fuse/live/live-sync';
import { FuseProvider } from '@/fuse/store/provider';
import { createClientsStore, type ClientsStoreInitial, type ClientsStoreState } from '../store';

/** A resync reloads the list as the current filter shows it. */
const reloadClients = (state: ClientsStoreState) => state.clients.setFilter({});

export function ClientsProvider({
  initial,
  livePosition,
  children,
}: {
  initial: ClientsStoreInitial;
  /** Outbox position the page's data was read at; when given, the list stays current live. */
  livePosition?: number;
  children: ReactNode;
}) {
  return (
    <FuseProvider initial={initial} create={createClientsStore}>
      {livePosition !== undefined ? <LiveSync position={livePosition} onResync={reloadClients} /> : null}
      {children}
    </FuseProvider>
  );
}
