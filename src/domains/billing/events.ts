import type { LiveEventOf } from '@/fuse/live/events';
import type { SubscriptionView } from './queries';

/** What billing publishes live: the business's subscription after each change Stripe (or the test checkout) made. */
export type BillingEvents = { subscription: SubscriptionView };
export type BillingEvent = LiveEventOf<'billing'>;

declare module '@/fuse/live/events' {
  interface LiveEvents {
    billing: BillingEvents;
  }
}
