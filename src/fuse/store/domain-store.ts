import { createStore, type StoreApi } from 'zustand';
import { sessionSlice, uiSlice, type SessionSlice, type SessionView, type UiSlice } from './slices';

/** A domain page's whole store: the session, the page's UI state, and the domain's own slice. */
export type DomainState<TSlice> = SessionSlice & UiSlice & TSlice;

/** What the server hands a domain page's store: the session and the domain's data under its key. */
export type DomainInitial<K extends string, TInit> = { session: SessionView } & { [P in K]: TInit };

export type SliceBuilder<TInit, TSlice> = (
  initial: TInit,
  set: StoreApi<DomainState<TSlice>>['setState'],
  get: StoreApi<DomainState<TSlice>>['getState'],
) => TSlice;

/**
 * The store factory of a domain page, from the domain's slice builder: every page's store has the
 * same session and UI slices, so a domain writes only its own.
 */
export function createDomainStore<K extends string, TInit, TSlice>(key: K, slice: SliceBuilder<TInit, TSlice>) {
  return (initial: DomainInitial<K, TInit>): StoreApi<DomainState<TSlice>> =>
    createStore<DomainState<TSlice>>()((set, get) => ({
      ...sessionSlice(initial.session),
      ...uiSlice<DomainState<TSlice>>(set),
      ...slice(initial[key], set, get),
    }));
}
