'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent, type ReactNode } from 'react';
import { createDomainStore, type DomainInitial } from '@/fuse/store/domain-store';
import { FuseProvider, useFuse } from '@/fuse/store/provider';
import type { SessionView } from '@/fuse/store/slices';
import { Toast } from '@/fuse/store/toast';
import type { SettingsInitial } from '../queries';
import { settingsSlice, type SettingsStoreState } from '../slice';
import { THEMES, type Theme } from '../validators';

type S = SettingsStoreState;

export type SettingsStoreInitial = DomainInitial<'settings', SettingsInitial>;

const createSettingsStore = createDomainStore('settings', settingsSlice);

export function SettingsProvider({
  initial,
  livePosition,
  children,
}: {
  initial: SettingsStoreInitial;
  /** Outbox position the page's data was read at; null only for a preview from the preload cache. */
  livePosition: number | null;
  children: ReactNode;
}) {
  // A resync re-renders the page on the server (the default): settings are one small read.
  return (
    <FuseProvider initial={initial} create={createSettingsStore} livePosition={livePosition}>
      {children}
    </FuseProvider>
  );
}

function Profile() {
  const profile = useFuse((s: S) => s.settings.profile);
  const save = useFuse((s: S) => s.settings.save);
  const router = useRouter();
  const [name, setName] = useState(profile.name);
  async function submit(event: FormEvent) {
    event.preventDefault();
    if (await save({ name })) router.refresh();
  }
  async function theme(next: Theme) {
    // The session cookie now carries the theme: re-render the layout so the page switches at once.
    if (await save({ theme: next })) router.refresh();
  }
  return (
    <section>
      <h2>Profile</h2>
      <form className="client-form" onSubmit={submit} aria-label="Profile">
        <input aria-label="Your name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={120} />
        <span className="muted">{profile.email}</span>
        <button type="submit">Save profile</button>
      </form>
      <fieldset className="theme-choice">
        <legend>Theme</legend>
        {THEMES.map((t) => (
          <label key={t}>
            <input type="radio" name="theme" value={t} checked={profile.theme === t} onChange={() => void theme(t)} /> {t}
          </label>
        ))}
      </fieldset>
    </section>
  );
}

function Business() {
  const business = useFuse((s: S) => s.settings.business);
  const canEdit = useFuse((s: S) => s.settings.canEditBusiness);
  const save = useFuse((s: S) => s.settings.save);
  const router = useRouter();
  const [name, setName] = useState(business.name);
  const [timezone, setTimezone] = useState(business.timezone);
  async function submit(event: FormEvent) {
    event.preventDefault();
    if (await save({ businessName: name, timezone })) router.refresh();
  }
  return (
    <section>
      <h2>Business</h2>
      <form className="client-form" onSubmit={submit} aria-label="Business">
        <input aria-label="Business name" value={name} onChange={(e) => setName(e.target.value)} disabled={!canEdit} required maxLength={120} />
        <input
          aria-label="Time zone"
          value={timezone}
          onChange={(e) => setTimezone(e.target.value)}
          disabled={!canEdit}
          required
          maxLength={64}
          placeholder="Europe/Berlin"
        />
        {canEdit ? <button type="submit">Save business</button> : <span className="muted">Only a captain can change these.</span>}
      </form>
    </section>
  );
}

function Switcher() {
  const router = useRouter();
  const choices = useFuse((s: S) => s.settings.businesses);
  const switchBusiness = useFuse((s: S) => s.settings.switchBusiness);
  if (choices.length < 2) return null;
  return (
    <section>
      <h2>Your businesses</h2>
      <ul className="businesses">
        {choices.map((b) => (
          <li key={b.businessId}>
            {b.name} <span className="muted">({b.rank})</span>{' '}
            {b.current ? (
              <strong>current</strong>
            ) : (
              <button
                type="button"
                className="link"
                onClick={async () => {
                  // Every page (and the preload cache, bound to the session) now belongs to the new business.
                  if (await switchBusiness(b.businessId)) {
                    router.push('/dashboard');
                    router.refresh();
                  }
                }}
              >
                Switch
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function SettingsView() {
  return (
    <section className="settings">
      <h1>Settings</h1>
      <Profile />
      <Business />
      <section>
        <h2>Billing</h2>
        <a href="/dashboard/settings/billing">Plan, usage and payment</a>
      </section>
      <Switcher />
      <Toast />
    </section>
  );
}

export function SettingsPreview({ data, session }: { data: unknown; session: SessionView }) {
  return (
    <SettingsProvider initial={{ session, settings: data as SettingsInitial }} livePosition={null}>
      <SettingsView />
    </SettingsProvider>
  );
}
