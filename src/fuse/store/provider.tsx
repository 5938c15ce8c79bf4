'use client';

import { createContext, useContext, useState, type ReactNode } from 'react';
import { useStore, type StoreApi } from 'zustand';
import { LiveSync } from '@/fuse/live/live-sync';
import { createDomainStore, type DomainInitial, type DomainState, type SliceBuilder } from './domain-store';
import type { UiSlice } from './slices';

/**
 * The FUSE store: one Zustand store per request (and per browser tab), created synchronously from
 * the data the server rendered. Never a module-level singleton: on the server that would share one
 * user's data with another's render.
 */
const FuseStoreContext = createContext<StoreApi<unknown> | null>(null);

export type StoreFactory<TInitial, TState> = (initial: TInitial) => StoreApi<TState>;

/**
 * Every domain page's provider: creates the store from the server's data and keeps it current from
 * the live stream. `livePosition` is required so no page can forget the stream; only a preview
 * drawn from the preload cache (replaced by the server's page a moment later) passes null.
 */
export function FuseProvider<TInitial, TState extends UiSlice>({
  initial,
  create,
  livePosition,
  onResync,
  children,
}: {
  initial: TInitial;
  create: StoreFactory<TInitial, TState>;
  /** Outbox position the server read `initial` at (the stream resumes after it); null: a preview, not live. */
  livePosition: number | null;
  /** Reload the slices when the stream cannot be replayed; default: re-render the page on the server. */
  onResync?: (state: TState) => void | Promise<void>;
  children: ReactNode;
}) {
  // useState's initializer runs once, during the first render: the store holds the data before
  // anything paints, with no effect and no fetch.
  const [store] = useState(() => create(initial));
  return (
    <FuseStoreContext.Provider value={store as StoreApi<unknown>}>
      {livePosition === null ? null : <LiveSync store={store} position={livePosition} onResync={onResync} />}
      {children}
    </FuseStoreContext.Provider>
  );
}

/**
 * A domain page's provider, from its slice: the store is built from the server's data before the
 * first paint and follows the live stream from `livePosition`. `onResync` reloads the slice when the
 * stream cannot be replayed (default: re-render the page on the server).
 */
export function domainProvider<K extends string, TInit, TSlice>(
  key: K,
  slice: SliceBuilder<TInit, TSlice>,
  options: { onResync?: (state: DomainState<TSlice>) => void | Promise<void> } = {},
) {
  const create = createDomainStore(key, slice);
  return function DomainProvider({
    initial,
    livePosition,
    children,
  }: {
    initial: DomainInitial<K, TInit>;
    /** Outbox position the page's data was read at; null only for a preview from the preload cache. */
    livePosition: number | null;
    children: ReactNode;
  }) {
    return (
      <FuseProvider initial={initial} create={create} livePosition={livePosition} onResync={options.onResync}>
        {children}
      </FuseProvider>
    );
  };
}

export function useFuseStoreApi<TState>(): StoreApi<TState> {
  const store = useContext(FuseStoreContext);
  if (!store) throw new Error('useFuse must be used inside <FuseProvider>.');
  return store as StoreApi<TState>;
}

/** Selects narrowly from the store, so a change re-renders only what shows it. */
export function useFuse<TState, TSelected>(selector: (state: TState) => TSelected): TSelected {
  return useStore(useFuseStoreApi<TState>(), selector);
}
