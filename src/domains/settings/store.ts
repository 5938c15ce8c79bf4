import { makeFuseStore } from '@/fuse/store/provider';
import { sessionSlice, uiSlice, type SessionSlice, type SessionView, type UiSlice } from '@/fuse/store/slices';
import type { SettingsInitial } from './queries';
import { settingsSlice, type SettingsSlice } from './slice';

export type SettingsStoreState = SessionSlice & UiSlice & SettingsSlice;
export type SettingsStoreInitial = { session: SessionView; settings: SettingsInitial };

export function createSettingsStore(initial: SettingsStoreInitial) {
  return makeFuseStore<SettingsStoreState>((set, get) => ({
    ...sessionSlice(initial.session),
    ...uiSlice<SettingsStoreState>(set),
    ...settingsSlice(initial.settings, set, get),
  }));
}
