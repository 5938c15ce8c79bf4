import 'server-only';
import { mailDelivery, sendMail } from '@/fuse/mail/mailer';
import { templates } from '@/fuse/mail/templates';
import { logger } from '@/fuse/observability/logger';

export type InviteDelivery = 'email' | 'shown';

/**
 * Sends an invite link through the platform's mailer (SMTP, or the development mailbox). Where this
 * server cannot send mail the link is returned for the captain to pass on; the log says so without
 * the link (it is a bearer secret: whoever holds it can join).
 */
export async function deliverInvite(args: {
  to: string;
  businessName: string;
  inviterName: string;
  rank: string;
  link: string;
}): Promise<InviteDelivery> {
  if (mailDelivery() === 'none') {
    logger.info('team invite created; mail is not configured, so the link is shown to the captain instead of mailed');
    return 'shown';
  }
  await sendMail(args.to, templates.teamInvite(args), 'team-invite');
  return 'email';
}
