import { notFound } from 'next/navigation';
import { config } from '@/fuse/config';
import { mailDelivery } from '@/fuse/mail/mailer';
import { mailboxMessages } from '@/fuse/mail/mailbox';

export const metadata = { title: 'Development mailbox' };
export const dynamic = 'force-dynamic';

const LINK = /https?:\/\/[^\s<>"]+/g;

/** Mail sent in development without SMTP_URL (src/fuse/mail/mailbox.ts). Not there in production. */
export default function MailboxPage() {
  if (config().production) notFound();
  const messages = mailboxMessages();
  return (
    <main className="auth">
      <h1>Development mailbox</h1>
      <p className="muted">
        {mailDelivery() === 'mailbox'
          ? 'Mail this server sends is kept here (no SMTP_URL is set). Newest first; reload to see new mail.'
          : 'SMTP_URL is set: mail goes to the mail server, not here.'}
      </p>
      {messages.length === 0 ? <p>No mail yet.</p> : null}
      {messages.map((m) => (
        <article key={m.id} aria-labelledby={`mail-${m.id}`}>
          <h2 id={`mail-${m.id}`}>{m.subject}</h2>
          <p className="muted">
            To {m.to} · {new Date(m.at).toLocaleString('en-GB', { timeZone: 'UTC' })} UTC
          </p>
          <pre style={{ whiteSpace: 'pre-wrap' }}>{m.text}</pre>
          <ul>
            {(m.text.match(LINK) ?? []).map((href) => (
              <li key={href}>
                <a href={href}>{href}</a>
              </li>
            ))}
          </ul>
        </article>
      ))}
    </main>
  );
}
