import { z } from 'zod';
import { revokeInvite } from '@/domains/team/mutations';
import { NotFoundError } from '@/fuse/http/errors';
import { json, withSession } from '@/fuse/http/handler';

const inviteId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const DELETE = withSession<{ id: string }>(async ({ session, db, params }) => {
  const id = inviteId.safeParse(params.id);
  if (!id.success) throw new NotFoundError('Invite not found.');
  await revokeInvite(db, session, id.data);
  return json({ ok: true });
});
