'use client';

import type { ReactNode } from 'react';
import { FuseProvider } from '@/fuse/store/provider';
import { createClientsStore, type ClientsStoreInitial } from '../store';

export function ClientsProvider({ initial, children }: { initial: ClientsStoreInitial; children: ReactNode }) {
  return (
    <FuseProvider initial={initial} create={createClientsStore}>
      {children}
    </FuseProvider>
  );
}
