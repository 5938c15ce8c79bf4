import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from '../setup/app-server';

export type ReceivedMail = { to: string[]; from: string; subject: string; text: string; html: string; headers: Map<string, unknown>; raw: string };

/**
 * A real SMTP server on loopback (the `smtp-server` package) that keeps every message it receives,
 * parsed (quoted-printable and MIME undone) so tests read links as a person would.
 */
export async function startMailSink() {
  const received: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw)
          .then((parsed) => {
            received.push({
              to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              headers: parsed.headers as Map<string, unknown>,
              raw,
            });
            for (const wake of waiters) wake();
            callback();
          })
          .catch(callback);
      });
    },
  });
  // smtp-server emits 'error' for a connection cut in the middle of a message (an app server stopped
  // while an after() mail was on its way): unheard, that is thrown in the test process, outside any
  // test. Kept here instead, and named by waitFor when a mail it waits for does not arrive.
  const errors: Error[] = [];
  server.on('error', (err: Error) => errors.push(err));
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });

  /** The messages to `to` so far. */
  const to = (address: string) => received.filter((m) => m.to.includes(address.toLowerCase()));

  /** Waits (up to `ms`) for the `nth` (1-based) message to `address` whose subject matches. */
  async function waitFor(address: string, subject: RegExp, nth = 1, ms = 15_000): Promise<ReceivedMail> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = to(address).filter((m) => subject.test(m.subject));
      if (found.length >= nth) return found[nth - 1]!;
      if (Date.now() > deadline)
        throw new Error(
          `no mail "${subject}" #${nth} to ${address} within ${ms} ms (got: ${to(address)
            .map((m) => m.subject)
            .join('; ')})${errors.length ? `; SMTP connection errors: ${errors.map((e) => e.message).join('; ')}` : ''}`,
        );
      await new Promise<void>((resolve) => {
        const wake = () => {
          waiters.delete(wake);
          resolve();
        };
        waiters.add(wake);
        setTimeout(wake, 200);
      });
    }
  }

  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    errors,
    to,
    waitFor,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The token of the first link to `path` in a message's text. */
export function tokenIn(mail: ReceivedMail, path: string): string {
  const match = mail.text.match(new RegExp(`https?://[^\\s/]+${path}\\?token=([A-Za-z0-9_-]+)`));
  if (!match) throw new Error(`no ${path} link in "${mail.subject}":\n${mail.text}`);
  return match[1]!;
}
