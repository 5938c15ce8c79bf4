import { revalidateTag } from 'next/cache';
import { createClient } from '@/domains/clients/mutations';
import { listClients } from '@/domains/clients/queries';
import { clientInput } from '@/domains/clients/validators';
import { json, withSession } from '@/fuse/http/handler';
import { PLATFORM_STATS_TAG } from '@/fuse/stats';

export const GET = withSession(async ({ request, session, db }) => {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  return json(await listClients(db, session, params));
});

/** Idempotent: a retry with the same Idempotency-Key (or x-mutation-id) returns the first answer. */
export const POST = withSession(
  // The public platform totals count clients.
  { body: clientInput, permission: 'clients.create', idempotent: true, status: 201, afterCreate: () => revalidateTag(PLATFORM_STATS_TAG, 'max') },
  ({ session, db, body, mutationId }) => createClient(db, session, body, { mutationId }),
);
