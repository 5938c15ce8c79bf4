import { defineDomain } from '@/fuse/domain-manifest';

/** Billing has no sidebar entry of its own: its page is Settings → Billing. */
export const billingDomain = defineDomain({
  name: 'billing',
  shownTo: 'billing.read',
});
