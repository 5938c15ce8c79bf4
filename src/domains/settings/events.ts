import type { LiveEventOf } from '@/fuse/live/events';
import type { ProfileChange } from './queries';

/** What settings publishes live: the business's name and zone (to its members), one's own profile (to oneself). */
export type SettingsEvents = { business: { name: string; timezone: string }; profile: ProfileChange };
export type SettingsEvent = LiveEventOf<'settings'>;

declare module '@/fuse/live/events' {
  interface LiveEvents {
    settings: SettingsEvents;
  }
}
