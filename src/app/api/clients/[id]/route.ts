import { archiveClient, updateClient } from '@/domains/clients/mutations';
import { getClient } from '@/domains/clients/queries';
import { clientIdParam } from '@/domains/clients/validators';
import { NotFoundError } from '@/fuse/http/errors';
import { json, readJson, withSession } from '@/fuse/http/handler';

type Params = { id: string };

function parseId(raw: string): number {
  const parsed = clientIdParam.safeParse(raw);
  if (!parsed.success) throw new NotFoundError('Client not found.');
  return parsed.data;
}

export const GET = withSession<Params>(async ({ session, db, params }) => json(await getClient(db, session, parseId(params.id))));

export const PATCH = withSession<Params>(async ({ request, session, db, params }) => {
  const id = parseId(params.id);
  const mutationId = request.headers.get('x-mutation-id');
  return json(await updateClient(db, session, id, await readJson(request), { mutationId }));
});

export const DELETE = withSession<Params>(async ({ request, session, db, params }) => {
  const mutationId = request.headers.get('x-mutation-id');
  return json(await archiveClient(db, session, parseId(params.id), { mutationId }));
});
