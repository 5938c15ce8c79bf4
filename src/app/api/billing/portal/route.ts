import { openPortal } from '@/domains/billing/mutations';
import { config } from '@/fuse/config';
import { withSession } from '@/fuse/http/handler';

/** → `{ url }` of the customer portal (payment method, invoices, plan change, cancel). */
export const POST = withSession({ permission: 'billing.manage' }, ({ request, session, db }) =>
  openPortal(db, session, config().publicUrl ?? new URL(request.url).origin),
);
