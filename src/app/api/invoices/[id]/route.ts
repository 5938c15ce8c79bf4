import { updateInvoice } from '@/domains/finance/mutations';
import { getInvoice } from '@/domains/finance/queries';
import { invoiceIdParam } from '@/domains/finance/validators';
import { NotFoundError } from '@/fuse/http/errors';
import { json, readJson, withSession } from '@/fuse/http/handler';

type Params = { id: string };

function parseId(raw: string): number {
  const parsed = invoiceIdParam.safeParse(raw);
  if (!parsed.success) throw new NotFoundError('Invoice not found.');
  return parsed.data;
}

export const GET = withSession<Params>(async ({ session, db, params }) => json(await getInvoice(db, session, parseId(params.id))));

/** `{ "action": "send" | "markPaid" | "markOverdue" }`, or changed fields of a draft. */
export const PATCH = withSession<Params>(async ({ request, session, db, params }) => {
  const id = parseId(params.id);
  const mutationId = request.headers.get('x-mutation-id');
  return json(await updateInvoice(db, session, id, await readJson(request), { mutationId }));
});
