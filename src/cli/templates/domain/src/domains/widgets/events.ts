import type { LiveEventOf } from '@/fuse/live/events';
import type { WidgetView } from './queries';

/** What the widgets domain publishes live: a widget as the list shows it, created or changed. */
export type WidgetsEvents = { upsert: WidgetView };
export type WidgetsEvent = LiveEventOf<'widgets'>;

declare module '@/fuse/live/events' {
  interface LiveEvents {
    widgets: WidgetsEvents;
  }
}
