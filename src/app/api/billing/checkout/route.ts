import { startCheckout } from '@/domains/billing/mutations';
import { checkoutInput } from '@/domains/billing/validators';
import { withSession } from '@/fuse/http/handler';
import { requestAppOrigin } from '@/fuse/security/request-ip';

/** `{ plan: 'pro' | 'business' }` → `{ url }` of the checkout to send the browser to. */
export const POST = withSession({ body: checkoutInput, permission: 'billing.manage' }, ({ request, session, db, body }) =>
  startCheckout(db, session, body, requestAppOrigin(request)),
);
