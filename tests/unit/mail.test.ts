import { describe, expect, it } from 'vitest';
import { loadConfig } from '@/fuse/config';
import { mailboxMessages } from '@/fuse/mail/mailbox';
import { mailDelivery, sendMail } from '@/fuse/mail/mailer';
import { renderMail, templates } from '@/fuse/mail/templates';
import { describeDevice } from '@/fuse/session/device';

const SECRET = 'x'.repeat(40);
const production = (extra: Record<string, string>) =>
  loadConfig({ NODE_ENV: 'production', SESSION_SECRET: SECRET, DATABASE_URL: 'postgres://db.example/fuse', ...extra } as NodeJS.ProcessEnv);

describe('mail delivery', () => {
  it('production mails only with SMTP_URL and FUSE_PUBLIC_URL; development keeps mail in the mailbox without SMTP_URL', () => {
    expect(mailDelivery(production({}))).toBe('none');
    expect(mailDelivery(production({ SMTP_URL: 'smtp://mail.example:25' }))).toBe('none');
    expect(mailDelivery(production({ FUSE_PUBLIC_URL: 'https://app.example' }))).toBe('none');
    expect(mailDelivery(production({ SMTP_URL: 'smtp://mail.example:25', FUSE_PUBLIC_URL: 'https://app.example' }))).toBe('smtp');
    const dev = { NODE_ENV: 'development', SESSION_SECRET: SECRET, DATABASE_URL: 'postgres://db.example/fuse' } as NodeJS.ProcessEnv;
    expect(mailDelivery(loadConfig(dev))).toBe('mailbox');
    expect(mailDelivery(loadConfig({ ...dev, SMTP_URL: 'smtp://mail.example:25' }))).toBe('smtp');
  });

  it('sends to exactly one address: a list or an injected header is refused before anything is sent', async () => {
    const mail = renderMail({ subject: 'Hi', heading: 'Hi', paragraphs: ['x'] });
    const before = mailboxMessages().length;
    for (const to of [
      'a@example.com, b@example.com',
      'a@example.com\r\nBcc: b@example.com',
      'A <a@example.com>',
      'a@example.com;b@example.com',
      '',
    ]) {
      await expect(sendMail(to, mail, 'test')).rejects.toThrow(/single email address/);
    }
    expect(mailboxMessages().length).toBe(before);
    expect(await sendMail('a@example.com', mail, 'test')).toBe('mailbox');
    expect(mailboxMessages()[0]).toMatchObject({ to: 'a@example.com', subject: 'Hi' });
  });
});

describe('mail templates', () => {
  it('escape hostile names in HTML and keep subjects and text on their lines', () => {
    const mail = templates.teamInvite({
      inviterName: 'Eve\r\nBcc: attacker@evil.test',
      businessName: '<script>alert(1)</script> & "Co"',
      rank: 'crew',
      link: 'https://app.example/join?token=a"b<c',
    });
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.subject).toBe('Eve Bcc: attacker@evil.test invited you to <script>alert(1)</script> & "Co" on FUSE');
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;');
    expect(mail.html).toContain('href="https://app.example/join?token=a&quot;b&lt;c"');
    expect(mail.text).toContain('Accept the invitation: https://app.example/join?token=a"b<c');
    expect(mail.text.split('\n')[0]).toBe('Join <script>alert(1)</script> & "Co" on FUSE');
  });

  it('every account mail has a text and an HTML body with its link', () => {
    const link = 'https://app.example/x?token=abc';
    for (const mail of [
      templates.verifyEmail({ name: 'Ana', link }),
      templates.passwordReset({ name: 'Ana', link }),
      templates.confirmEmailChange({ name: 'Ana', link }),
      templates.emailChanged({ name: 'Ana', newEmail: 'new@example.com', link }),
    ]) {
      expect(mail.text).toContain(link);
      expect(mail.html).toContain(`href="${link}"`);
      expect(mail.html.startsWith('<!doctype html>')).toBe(true);
    }
    expect(templates.passwordReset({ name: 'Ana', link }).text).toMatch(/30 minutes/);
  });
});

describe('session devices', () => {
  it('names browser and system from the user agent', () => {
    expect(
      describeDevice(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      ),
    ).toBe('Safari 17 on iOS');
    expect(describeDevice('Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0')).toBe('Firefox 128 on Linux');
    expect(describeDevice(null)).toBe('Unknown device');
    expect(describeDevice('')).toBe('Unknown device');
    expect(describeDevice('x'.repeat(10_000))).toBeTypeOf('string');
  });
});
