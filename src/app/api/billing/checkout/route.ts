import { startCheckout } from '@/domains/billing/mutations';
import { checkoutInput } from '@/domains/billing/validators';
import { config } from '@/fuse/config';
import { withSession } from '@/fuse/http/handler';

/** `{ plan: 'pro' | 'business' }` → `{ url }` of the checkout to send the browser to. */
export const POST = withSession({ body: checkoutInput, permission: 'billing.manage' }, ({ request, session, db, body }) =>
  startCheckout(db, session, body, config().publicUrl ?? new URL(request.url).origin),
);
