import { completeTestCheckout } from '@/domains/billing/mutations';
import { testCheckoutInput } from '@/domains/billing/validators';
import { withSession } from '@/fuse/http/handler';

/** The local provider's test payment (`{ action: 'pay', plan }`) or cancellation (`{ action: 'cancel' }`); 404 beside Stripe. */
export const POST = withSession({ body: testCheckoutInput, permission: 'billing.manage' }, ({ session, db, body }) =>
  completeTestCheckout(db, session, body),
);
