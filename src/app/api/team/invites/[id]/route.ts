import { z } from 'zod';
import { revokeInvite } from '@/domains/team/mutations';
import { withSession } from '@/fuse/http/handler';
import { idParam } from '@/fuse/http/params';

const inviteParams = z.object({ id: idParam('Invite not found.') });

export const DELETE = withSession({ params: inviteParams, permission: 'team.revokeInvite' }, async ({ session, db, params }) => {
  await revokeInvite(db, session, params.id);
  return { ok: true };
});
