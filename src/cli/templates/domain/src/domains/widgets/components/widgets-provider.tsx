'use client';

import type { ReactNode } from 'react';
import { createDomainStore, type DomainInitial } from '@/fuse/store/domain-store';
import { FuseProvider } from '@/fuse/store/provider';
import { widgetsSlice, type WidgetsInitial, type WidgetsStoreState } from '../slice';

export type WidgetsStoreInitial = DomainInitial<'widgets', WidgetsInitial>;

const createWidgetsStore = createDomainStore('widgets', widgetsSlice);

/** A resync reloads the list as the current filter shows it. */
const reloadWidgets = (state: WidgetsStoreState) => state.widgets.setFilter({});

export function WidgetsProvider({
  initial,
  livePosition,
  children,
}: {
  initial: WidgetsStoreInitial;
  /** Outbox position the page's data was read at; null only for a preview from the preload cache. */
  livePosition: number | null;
  children: ReactNode;
}) {
  return (
    <FuseProvider initial={initial} create={createWidgetsStore} livePosition={livePosition} onResync={reloadWidgets}>
      {children}
    </FuseProvider>
  );
}
