import { changeMemberRank } from '@/domains/team/mutations';
import { memberIdParam } from '@/domains/team/validators';
import { NotFoundError } from '@/fuse/http/errors';
import { json, readJson, withSession } from '@/fuse/http/handler';

/** `{ "rank": "crew" | "captain" | "commodore" }` for a member below the caller's rank. */
export const PATCH = withSession<{ userId: string }>(async ({ request, session, db, params }) => {
  const userId = memberIdParam.safeParse(params.userId);
  if (!userId.success) throw new NotFoundError('Member not found.');
  return json(await changeMemberRank(db, session, userId.data, await readJson(request)));
});
