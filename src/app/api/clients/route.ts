import { createClient } from '@/domains/clients/mutations';
import { listClients } from '@/domains/clients/queries';
import { json, readJson, withSession } from '@/fuse/http/handler';

export const GET = withSession(async ({ request, session, db }) => {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  return json(await listClients(db, session, params));
});

export const POST = withSession(async ({ request, session, db }) => {
  const mutationId = request.headers.get('x-mutation-id');
  const client = await createClient(db, session, await readJson(request), { mutationId });
  return json(client, { status: 201 });
});
