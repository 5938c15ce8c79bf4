import { fetchJson } from '@/fuse/store/api';
import type { DomainState } from '@/fuse/store/domain-store';
import { showError } from '@/fuse/store/optimistic';
import type { LiveChange, UiSlice } from '@/fuse/store/slices';
import type { SettingsInitial } from './queries';
import type { SettingsPatch, Theme } from './validators';

export type SettingsSlice = {
  settings: SettingsInitial & {
    saving: boolean;
    save: (patch: SettingsPatch) => Promise<boolean>;
    switchBusiness: (businessId: string) => Promise<boolean>;
    apply: (change: LiveChange) => void;
  };
};

export type SettingsStoreState = DomainState<SettingsSlice>;

type State = SettingsSlice & UiSlice;
type Set = (fn: (s: State) => Partial<State>) => void;
type Get = () => State;

export function settingsSlice(initial: SettingsInitial, set: Set, get: Get): SettingsSlice {
  const patch = (p: Partial<SettingsSlice['settings']>) => set((s) => ({ settings: { ...s.settings, ...p } }));
  return {
    settings: {
      ...initial,
      saving: false,
      async save(changes) {
        patch({ saving: true });
        try {
          const saved = await fetchJson<{ name: string; theme: Theme; businessName: string; timezone: string }>('/api/settings', {
            method: 'PATCH',
            body: JSON.stringify(changes),
          });
          const s = get().settings;
          patch({
            profile: { ...s.profile, name: saved.name, theme: saved.theme },
            business: { ...s.business, name: saved.businessName, timezone: saved.timezone },
          });
          get().ui.showToast('info', 'Saved.');
          return true;
        } catch (err) {
          showError(get().ui, err);
          return false;
        } finally {
          patch({ saving: false });
        }
      },
      async switchBusiness(businessId) {
        try {
          await fetchJson('/api/business/switch', { method: 'POST', body: JSON.stringify({ businessId }) });
          return true;
        } catch (err) {
          showError(get().ui, err);
          return false;
        }
      },
      apply(change) {
        if (change.domain !== 'settings') return;
        if (change.kind === 'business') {
          const b = change.data;
          patch({ business: { ...get().settings.business, name: b.name, timezone: b.timezone } });
        } else if (change.kind === 'profile') {
          // Saved in another tab of this user (the stream carries no one else's).
          const p = change.data;
          patch({ profile: { ...get().settings.profile, name: p.name, theme: p.theme } });
        }
      },
    },
  };
}
