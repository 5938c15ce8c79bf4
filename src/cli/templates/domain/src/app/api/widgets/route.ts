import { createWidget } from '@/domains/widgets/mutations';
import { listWidgets } from '@/domains/widgets/queries';
import { widgetInput } from '@/domains/widgets/validators';
import { json, withSession } from '@/fuse/http/handler';

export const GET = withSession(async ({ request, session, db }) => {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  return json(await listWidgets(db, session, params));
});

/** Idempotent: a retry with the same Idempotency-Key (or x-mutation-id) returns the first answer. */
export const POST = withSession(
  { body: widgetInput, permission: 'widgets.create', idempotent: true, status: 201 },
  ({ session, db, body, mutationId }) => createWidget(db, session, body, { mutationId }),
);
