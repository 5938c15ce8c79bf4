import 'server-only';
import { config } from '@/fuse/config';
import { logger } from '@/fuse/observability/logger';

export type InviteDelivery = 'email' | 'shown';

/**
 * Sends an invite link by email through SMTP_URL (nodemailer). Without a mail server the link is
 * returned for the captain to pass on; the log says so without the link (it is a bearer secret:
 * whoever holds it can join).
 */
export async function deliverInvite(args: {
  to: string;
  businessName: string;
  inviterName: string;
  rank: string;
  link: string;
}): Promise<InviteDelivery> {
  const { smtpUrl, from } = config().mail;
  if (!smtpUrl) {
    logger.info({ inviteTo: args.to }, 'team invite created; no SMTP_URL, so the link is shown to the captain instead of mailed');
    return 'shown';
  }
  const { createTransport } = await import('nodemailer');
  const transport = createTransport(smtpUrl);
  try {
    await transport.sendMail({
      from,
      to: args.to,
      subject: `${args.inviterName} invited you to ${args.businessName} on FUSE`,
      text: [
        `${args.inviterName} invited you to join ${args.businessName} on FUSE as ${args.rank}.`,
        '',
        `Accept the invitation: ${args.link}`,
        '',
        'The link works once and expires in 7 days. If you did not expect this, ignore this email.',
      ].join('\n'),
    });
  } finally {
    transport.close();
  }
  return 'email';
}
