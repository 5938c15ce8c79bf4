import { revalidateTag } from 'next/cache';
import { createClient } from '@/domains/clients/mutations';
import { listClients } from '@/domains/clients/queries';
import { clientInput } from '@/domains/clients/validators';
import { withSession } from '@/fuse/http/handler';
import { cachedJson } from '@/fuse/http/read-cache';
import { PLATFORM_STATS_TAG } from '@/fuse/stats';

// The permission is checked here as well as in listClients: a cached answer skips the query.
export const GET = withSession({ permission: 'clients.read' }, async ({ request, session, db }) => {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  return cachedJson(db, session, 'clients.list', params, () => listClients(db, session, params));
});

/** Idempotent: a retry with the same Idempotency-Key (or x-mutation-id) returns the first answer. */
export const POST = withSession(
  // The public platform totals count clients.
  { body: clientInput, permission: 'clients.create', idempotent: true, status: 201, afterCreate: () => revalidateTag(PLATFORM_STATS_TAG, 'max') },
  ({ session, db, body, mutationId }) => createClient(db, session, body, { mutationId }),
);
