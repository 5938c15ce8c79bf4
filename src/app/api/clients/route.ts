import { revalidateTag } from 'next/cache';
import { createClient } from '@/domains/clients/mutations';
import { listClients } from '@/domains/clients/queries';
import { json, readJson, withSession } from '@/fuse/http/handler';
import { PLATFORM_STATS_TAG } from '@/fuse/stats';
import { idempotencyKeyOf, idempotent, requestHash } from '@/fuse/live/idempotency';

export const GET = withSession(async ({ request, session, db }) => {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  return json(await listClients(db, session, params));
});

/** Idempotent: a retry with the same Idempotency-Key (or x-mutation-id) returns the first answer. */
export const POST = withSession(async ({ request, session, db }) => {
  const mutationId = request.headers.get('x-mutation-id');
  const body = await readJson(request);
  const result = await idempotent(
    db,
    { businessId: session.businessId, key: idempotencyKeyOf(request), hash: requestHash('POST', '/api/clients', body) },
    async (tx) => ({ status: 201, body: await createClient(tx, session, body, { mutationId }) }),
  );
  // The public platform totals count clients.
  if (!result.replayed) revalidateTag(PLATFORM_STATS_TAG, 'max');
  return json(result.body, { status: result.status, headers: result.replayed ? { 'Idempotent-Replayed': 'true' } : {} });
});
