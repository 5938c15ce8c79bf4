import { updateInvoice } from '@/domains/finance/mutations';
import { getInvoice } from '@/domains/finance/queries';
import { invoiceParams, invoicePatch } from '@/domains/finance/validators';
import { withSession } from '@/fuse/http/handler';

export const GET = withSession({ params: invoiceParams }, ({ session, db, params }) => getInvoice(db, session, params.id));

/** `{ "action": "send" | "markPaid" | "markOverdue" }`, or changed fields of a draft. */
export const PATCH = withSession(
  { params: invoiceParams, body: invoicePatch, permission: 'finance.edit' },
  ({ session, db, params, body, mutationId }) => updateInvoice(db, session, params.id, body, { mutationId }),
);
