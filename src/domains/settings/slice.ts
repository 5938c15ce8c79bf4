import type { LiveChange, UiSlice } from '@/fuse/store/slices';
import type { ProfileChange, SettingsInitial } from './queries';
import type { SettingsPatch } from './validators';

export type SettingsSlice = {
  settings: SettingsInitial & {
    saving: boolean;
    save: (patch: SettingsPatch) => Promise<boolean>;
    switchBusiness: (businessId: string) => Promise<boolean>;
    apply: (change: LiveChange) => void;
  };
};

type State = SettingsSlice & UiSlice;
type Set = (partial: Partial<State> | ((s: State) => Partial<State>)) => void;
type Get = () => State;

export const SETTINGS_SLICE_URL = '/api/settings';

async function send<T>(url: string, method: string, body: unknown): Promise<T> {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json' }, credentials: 'same-origin', body: JSON.stringify(body) });
  const data = (await res.json().catch(() => ({}))) as { error?: string; fields?: Record<string, string> };
  if (!res.ok) throw new Error((data.fields && Object.values(data.fields).join(' ')) || data.error || `Request failed (${res.status}).`);
  return data as T;
}

export function settingsSlice(initial: SettingsInitial, set: Set, get: Get): SettingsSlice {
  const patch = (p: Partial<SettingsSlice['settings']>) => set((s) => ({ settings: { ...s.settings, ...p } }));
  return {
    settings: {
      ...initial,
      saving: false,
      async save(changes) {
        patch({ saving: true });
        try {
          const saved = await send<{ name: string; theme: 'light' | 'dark'; businessName: string; timezone: string }>('/api/settings', 'PATCH', changes);
          const s = get().settings;
          patch({
            profile: { ...s.profile, name: saved.name, theme: saved.theme },
            business: { ...s.business, name: saved.businessName, timezone: saved.timezone },
          });
          get().ui.showToast('info', 'Saved.');
          return true;
        } catch (err) {
          get().ui.showToast('error', err instanceof Error ? err.message : 'Something went wrong.');
          return false;
        } finally {
          patch({ saving: false });
        }
      },
      async switchBusiness(businessId) {
        try {
          await send('/api/business/switch', 'POST', { businessId });
          return true;
        } catch (err) {
          get().ui.showToast('error', err instanceof Error ? err.message : 'Something went wrong.');
          return false;
        }
      },
      apply(change) {
        if (change.domain !== 'settings') return;
        if (change.kind === 'business') {
          const b = change.data as { name: string; timezone: string };
          patch({ business: { ...get().settings.business, name: b.name, timezone: b.timezone } });
        } else if (change.kind === 'profile') {
          // Saved in another tab of this user (the stream carries no one else's).
          const p = change.data as ProfileChange;
          patch({ profile: { ...get().settings.profile, name: p.name, theme: p.theme } });
        }
      },
    },
  };
}
