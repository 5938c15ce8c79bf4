import { createInvoice } from '@/domains/finance/mutations';
import { listInvoices, loadFinanceSlice } from '@/domains/finance/queries';
import { invoiceInput } from '@/domains/finance/validators';
import { json, withSession } from '@/fuse/http/handler';

/**
 * A page of invoices. With `summary=1`, the whole finance slice in one request: the summary (one
 * query), the page, and the client picker — what the finance page and the idle preloader start from.
 */
export const GET = withSession(async ({ request, session, db }) => {
  const { summary, ...params } = Object.fromEntries(new URL(request.url).searchParams);
  if (summary === '1') return json(await loadFinanceSlice(db, session, params));
  return json(await listInvoices(db, session, params));
});

/** Idempotent: a retry with the same Idempotency-Key (or x-mutation-id) returns the first answer. */
export const POST = withSession(
  { body: invoiceInput, permission: 'finance.create', idempotent: true, status: 201 },
  ({ session, db, body, mutationId }) => createInvoice(db, session, body, { mutationId }),
);
