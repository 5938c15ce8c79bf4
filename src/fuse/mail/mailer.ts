import 'server-only';
import { config, type FuseConfig } from '@/fuse/config';
import { logger } from '@/fuse/observability/logger';
import { deliverToMailbox } from './mailbox';
import type { RenderedMail } from './templates';

/**
 * The one way FUSE sends mail (invites, verification, password reset, notices):
 * - `smtp`: through SMTP_URL (nodemailer). In production this also needs FUSE_PUBLIC_URL: links in
 *   mail are built from it, never from a request's Host header, which a client could set to its own
 *   site and so receive the link a victim clicks.
 * - `mailbox`: development and tests without SMTP_URL: kept in memory and shown on `/dev/mailbox`.
 * - `none`: production without SMTP_URL (or FUSE_PUBLIC_URL): flows that need mail answer 503.
 * Neither a link nor a token is ever written to the log.
 */
export type MailDelivery = 'smtp' | 'mailbox' | 'none';

export function mailDelivery(cfg: FuseConfig = config()): MailDelivery {
  if (cfg.production) return cfg.mail.smtpUrl && cfg.publicUrl ? 'smtp' : 'none';
  return cfg.mail.smtpUrl ? 'smtp' : 'mailbox';
}

export const MAIL_NOT_CONFIGURED =
  'Mail is not configured on this server, so this cannot be done. Ask the operator to set SMTP_URL and FUSE_PUBLIC_URL.';

export class MailNotConfiguredError extends Error {
  readonly status = 503;
  constructor() {
    super(MAIL_NOT_CONFIGURED);
    this.name = 'MailNotConfiguredError';
  }
}

/** Throws MailNotConfiguredError (503) when this server cannot deliver mail. */
export function assertMailConfigured(): void {
  if (mailDelivery() === 'none') throw new MailNotConfiguredError();
}

/** The origin links in mail point at: FUSE_PUBLIC_URL, else (outside production) the request's own. */
export function mailLinkOrigin(request: Request): string {
  return config().publicUrl ?? new URL(request.url).origin;
}

/** One address, nothing that could name a second recipient or start another header. */
const SINGLE_ADDRESS = /^[^\s@<>,;:"'\\()[\]]+@[^\s@<>,;:"'\\()[\]]+$/;

/**
 * Sends one message to one address. `kind` names the message in the log (never its link). Throws
 * MailNotConfiguredError when mail cannot be delivered; an SMTP failure is thrown as it is.
 */
export async function sendMail(to: string, mail: RenderedMail, kind: string): Promise<Exclude<MailDelivery, 'none'>> {
  if (to.length > 254 || !SINGLE_ADDRESS.test(to)) throw new Error('sendMail: not a single email address');
  const delivery = mailDelivery();
  if (delivery === 'none') throw new MailNotConfiguredError();
  const message = { from: config().mail.from, to, subject: mail.subject, text: mail.text, html: mail.html };
  if (delivery === 'mailbox') {
    deliverToMailbox(message);
    logger.info({ mail: kind }, 'mail kept in the development mailbox (/dev/mailbox)');
    return delivery;
  }
  const { createTransport } = await import('nodemailer');
  const transport = createTransport(config().mail.smtpUrl!);
  try {
    await transport.sendMail({ ...message, disableFileAccess: true, disableUrlAccess: true });
  } finally {
    transport.close();
  }
  logger.info({ mail: kind }, 'mail sent');
  return delivery;
}
