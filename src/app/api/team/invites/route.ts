import { createInvite } from '@/domains/team/mutations';
import { inviteInput } from '@/domains/team/validators';
import { withSession } from '@/fuse/http/handler';
import { mailLinkOrigin } from '@/fuse/mail/mailer';

/**
 * Invites a member by email. Without SMTP_URL the answer carries the link to pass on. Not
 * idempotent: the answer carries the invite's one-time secret, which is never stored (only its
 * hash is); a retried invite is a second open invite to the same address, which either revokes.
 */
export const POST = withSession({ body: inviteInput, permission: 'team.invite', status: 201 }, ({ request, session, db, body }) =>
  createInvite(db, session, body, mailLinkOrigin(request)),
);
