'use client';

import { createContext, useContext, useState, type ReactNode } from 'react';
import { createStore, useStore, type StoreApi } from 'zustand';

/**
 * The FUSE store: one Zustand store per request (and per browser tab), created synchronously from
 * the data the server rendered. Never a module-level singleton: on the server that would share one
 * user's data with another's render.
 */
const FuseStoreContext = createContext<StoreApi<unknown> | null>(null);

export type StoreFactory<TInitial, TState> = (initial: TInitial) => StoreApi<TState>;

export function makeFuseStore<TState>(build: (set: StoreApi<TState>['setState'], get: StoreApi<TState>['getState']) => TState) {
  return createStore<TState>()((set, get) => build(set, get));
}

export function FuseProvider<TInitial, TState>({
  initial,
  create,
  children,
}: {
  initial: TInitial;
  create: StoreFactory<TInitial, TState>;
  children: ReactNode;
}) {
  // useState's initializer runs once, during the first render: the store holds the data before
  // anything paints, with no effect and no fetch.
  const [store] = useState(() => create(initial) as StoreApi<unknown>);
  return <FuseStoreContext.Provider value={store}>{children}</FuseStoreContext.Provider>;
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
