import { createInvoice } from '@/domains/finance/mutations';
import { listInvoices, loadFinanceSlice } from '@/domains/finance/queries';
import { json, readJson, withSession } from '@/fuse/http/handler';

/**
 * A page of invoices. With `summary=1`, the whole finance slice in one request: the summary (one
 * query), the page, and the client picker — what the finance page and the idle preloader start from.
 */
export const GET = withSession(async ({ request, session, db }) => {
  const { summary, ...params } = Object.fromEntries(new URL(request.url).searchParams);
  if (summary === '1') return json(await loadFinanceSlice(db, session, params));
  return json(await listInvoices(db, session, params));
});

export const POST = withSession(async ({ request, session, db }) => {
  const mutationId = request.headers.get('x-mutation-id');
  return json(await createInvoice(db, session, await readJson(request), { mutationId }), { status: 201 });
});
