import { processSingleton } from '@/fuse/singleton';

/** A message the development mailbox holds (what `/dev/mailbox` shows). */
export type MailboxMessage = { id: number; to: string; subject: string; text: string; html: string; at: string };

const KEPT = 50;

type Mailbox = { messages: MailboxMessage[]; next: number };

/**
 * Mail "sent" in development and tests without SMTP_URL: held in this process's memory (the newest
 * KEPT messages) so the flows work out of the box. Never used in production.
 */
const state = processSingleton('devMailbox', (): Mailbox => ({ messages: [], next: 1 }));

export function deliverToMailbox(message: Omit<MailboxMessage, 'id' | 'at'>): void {
  state.messages.unshift({ ...message, id: state.next++, at: new Date().toISOString() });
  state.messages.length = Math.min(state.messages.length, KEPT);
}

/** The messages held, newest first. */
export function mailboxMessages(): readonly MailboxMessage[] {
  return state.messages;
}
