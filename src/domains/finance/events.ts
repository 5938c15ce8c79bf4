import type { LiveEventOf } from '@/fuse/live/events';
import type { InvoiceView } from './queries';

/** What the finance domain publishes live: an invoice as the list shows it, created or changed. */
export type FinanceEvents = { upsert: InvoiceView };
export type FinanceEvent = LiveEventOf<'finance'>;

declare module '@/fuse/live/events' {
  interface LiveEvents {
    finance: FinanceEvents;
  }
}
