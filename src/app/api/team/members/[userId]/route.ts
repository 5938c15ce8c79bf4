import { changeMemberRank, removeMember } from '@/domains/team/mutations';
import { memberIdParam } from '@/domains/team/validators';
import { NotFoundError } from '@/fuse/http/errors';
import { json, readJson, withSession } from '@/fuse/http/handler';

function memberId(raw: string): string {
  const userId = memberIdParam.safeParse(raw);
  if (!userId.success) throw new NotFoundError('Member not found.');
  return userId.data;
}

/** `{ "rank": "crew" | "captain" | "commodore" }` for a member below the caller's rank. */
export const PATCH = withSession<{ userId: string }>(async ({ request, session, db, params }) =>
  json(await changeMemberRank(db, session, memberId(params.userId), await readJson(request))),
);

/** Removes a member below the caller's rank from the business; their sessions there end at once. */
export const DELETE = withSession<{ userId: string }>(async ({ session, db, params }) => {
  await removeMember(db, session, memberId(params.userId));
  return json({ ok: true });
});
