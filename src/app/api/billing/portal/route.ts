import { openPortal } from '@/domains/billing/mutations';
import { withSession } from '@/fuse/http/handler';
import { requestAppOrigin } from '@/fuse/security/request-ip';

/** → `{ url }` of the customer portal (payment method, invoices, plan change, cancel). */
export const POST = withSession({ permission: 'billing.manage' }, ({ request, session, db }) => openPortal(db, session, requestAppOrigin(request)));
