import { changeMemberRank, removeMember } from '@/domains/team/mutations';
import { memberParams, rankChangeInput } from '@/domains/team/validators';
import { withSession } from '@/fuse/http/handler';

/** `{ "rank": "crew" | "captain" | "commodore" }` for a member below the caller's rank. */
export const PATCH = withSession({ params: memberParams, body: rankChangeInput, permission: 'team.changeRank' }, ({ session, db, params, body }) =>
  changeMemberRank(db, session, params.userId, body),
);

/** Removes a member below the caller's rank from the business; their sessions there end at once. */
export const DELETE = withSession({ params: memberParams, permission: 'team.remove' }, async ({ session, db, params }) => {
  await removeMember(db, session, params.userId);
  return { ok: true };
});
