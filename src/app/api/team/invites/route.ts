import { createInvite } from '@/domains/team/mutations';
import { config } from '@/fuse/config';
import { json, readJson, withSession } from '@/fuse/http/handler';

/** Invites a member by email. Without SMTP_URL the answer carries the link to pass on. */
export const POST = withSession(async ({ request, session, db }) => {
  const origin = config().publicUrl ?? new URL(request.url).origin;
  return json(await createInvite(db, session, await readJson(request), origin), { status: 201 });
});
