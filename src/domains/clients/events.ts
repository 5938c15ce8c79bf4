import type { LiveEventOf } from '@/fuse/live/events';
import type { ClientView } from './queries';

/** What the clients domain publishes live: a client as the list shows it, created or changed. */
export type ClientsEvents = { upsert: ClientView };
export type ClientsEvent = LiveEventOf<'clients'>;

declare module '@/fuse/live/events' {
  interface LiveEvents {
    clients: ClientsEvents;
  }
}
