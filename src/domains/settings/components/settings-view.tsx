'use client';

import { Building2, Monitor, Moon, Sun, type LucideIcon } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import type { DomainInitial } from '@/fuse/store/domain-store';
import { domainProvider, useFuse } from '@/fuse/store/provider';
import type { SessionView } from '@/fuse/store/slices';
import { Toast } from '@/fuse/store/toast';
import { Badge } from '@/fuse/ui/badge';
import { Button } from '@/fuse/ui/button';
import { cn } from '@/fuse/ui/cn';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/fuse/ui/card';
import { Field, Input } from '@/fuse/ui/input';
import { PageHeader } from '@/fuse/ui/page-header';
import type { SettingsInitial } from '../queries';
import { settingsSlice, type SettingsStoreState } from '../slice';
import { THEMES, type Theme } from '@/fuse/auth/schema-types';

type S = SettingsStoreState;

export type SettingsStoreInitial = DomainInitial<'settings', SettingsInitial>;

// A resync re-renders the page on the server (the default): settings are one small read.
export const SettingsProvider = domainProvider('settings', settingsSlice);

const THEME_ICONS: Record<Theme, LucideIcon> = { light: Sun, dark: Moon, system: Monitor };

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
    <Card>
      <CardHeader>
        <CardTitle>Profile</CardTitle>
        <CardDescription>Signed in as {profile.email}.</CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-6">
        <form className="grid gap-3 sm:grid-cols-[minmax(0,1fr)_8.5rem] sm:items-end" onSubmit={submit} aria-label="Profile">
          <Field label="Your name">{(p) => <Input {...p} value={name} onChange={(e) => setName(e.target.value)} required maxLength={120} />}</Field>
          <Button type="submit">Save profile</Button>
        </form>
        <fieldset className="theme-choice">
          <legend className="mb-2 text-sm font-medium">Theme</legend>
          <div className="grid grid-cols-3 gap-2 sm:max-w-md">
            {THEMES.map((t) => {
              const Icon = THEME_ICONS[t];
              return (
                <label
                  key={t}
                  className="flex cursor-pointer flex-col items-center gap-1.5 rounded-lg border border-border p-3 text-sm hover:bg-muted has-[:checked]:border-primary has-[:checked]:bg-accent has-[:checked]:text-accent-foreground has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-ring"
                >
                  <input type="radio" name="theme" value={t} checked={profile.theme === t} onChange={() => void theme(t)} className="sr-only" />
                  <Icon aria-hidden className="size-5" />
                  {t}
                </label>
              );
            })}
          </div>
          <p className="mt-2 text-xs text-muted-foreground">System follows your device&apos;s light or dark setting.</p>
        </fieldset>
      </CardContent>
    </Card>
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
    <Card>
      <CardHeader>
        <CardTitle>Business</CardTitle>
        <CardDescription>
          {canEdit ? 'Its name and the time zone its months and due dates follow.' : 'Only a captain can change these.'}
        </CardDescription>
      </CardHeader>
      <CardContent>
        <form
          className={cn('grid gap-3 sm:items-end', canEdit ? 'sm:grid-cols-[minmax(0,1fr)_minmax(0,1fr)_9rem]' : 'sm:grid-cols-2')}
          onSubmit={submit}
          aria-label="Business"
        >
          <Field label="Business name">
            {(p) => <Input {...p} value={name} onChange={(e) => setName(e.target.value)} disabled={!canEdit} required maxLength={120} />}
          </Field>
          <Field label="Time zone">
            {(p) => (
              <Input
                {...p}
                value={timezone}
                onChange={(e) => setTimezone(e.target.value)}
                disabled={!canEdit}
                required
                maxLength={64}
                placeholder="Europe/Berlin"
              />
            )}
          </Field>
          {canEdit ? <Button type="submit">Save business</Button> : null}
        </form>
      </CardContent>
    </Card>
  );
}

function Switcher() {
  const router = useRouter();
  const choices = useFuse((s: S) => s.settings.businesses);
  const switchBusiness = useFuse((s: S) => s.settings.switchBusiness);
  if (choices.length < 2) return null;
  return (
    <Card id="businesses">
      <CardHeader>
        <CardTitle>Your businesses</CardTitle>
        <CardDescription>Switch to work in another business you belong to.</CardDescription>
      </CardHeader>
      <CardContent>
        <ul className="businesses flex flex-col divide-y divide-border">
          {choices.map((b) => (
            <li key={b.businessId} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
              <span className="flex min-w-0 items-center gap-2">
                <Building2 aria-hidden className="size-4 shrink-0 text-muted-foreground" />
                <span className="truncate font-medium">{b.name}</span>
                <Badge>{b.rank}</Badge>
              </span>
              {b.current ? (
                <Badge tone="success">current</Badge>
              ) : (
                <Button
                  variant="outline"
                  size="sm"
                  onClick={async () => {
                    // Every page (and the preload cache, bound to the session) now belongs to the new business.
                    if (await switchBusiness(b.businessId)) {
                      router.push('/dashboard');
                      router.refresh();
                    }
                  }}
                >
                  Switch
                </Button>
              )}
            </li>
          ))}
        </ul>
      </CardContent>
    </Card>
  );
}

export function SettingsView() {
  return (
    <section className="settings">
      <PageHeader title="Settings" description="Your profile, your business, and your data." />
      <div className="flex flex-col gap-6">
        <Profile />
        <Business />
        <Card>
          <CardHeader>
            <CardTitle>Billing and security</CardTitle>
            <CardDescription>Your plan and payments; your password, devices and account.</CardDescription>
          </CardHeader>
          <CardContent className="flex flex-wrap gap-x-6 gap-y-2">
            <a href="/dashboard/settings/billing">Plan, usage and payment</a>
            <a href="/dashboard/settings/security">Password, sessions and account</a>
          </CardContent>
        </Card>
        <Switcher />
      </div>
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
