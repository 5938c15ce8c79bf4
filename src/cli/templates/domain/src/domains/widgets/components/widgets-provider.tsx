'use client';

import type { DomainInitial } from '@/fuse/store/domain-store';
import { domainProvider } from '@/fuse/store/provider';
import { widgetsSlice, type WidgetsInitial } from '../slice';

export type WidgetsStoreInitial = DomainInitial<'widgets', WidgetsInitial>;

/** A resync reloads the list as the current filter shows it. */
export const WidgetsProvider = domainProvider('widgets', widgetsSlice, { onResync: (state) => state.widgets.setFilter({}) });
