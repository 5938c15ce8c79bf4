/**
 * Mail templates: each message has a plain-text and an HTML body, built on the server from the same
 * parts. Every value is escaped for HTML and stripped of control characters, so a name cannot add
 * markup or headers to a message.
 */
export type RenderedMail = { subject: string; text: string; html: string };

type Parts = {
  subject: string;
  heading: string;
  paragraphs: string[];
  action?: { label: string; url: string };
  /** Smaller print under the action: expiry, "if this wasn't you". */
  footer?: string[];
};

/** One line of text: control characters (newlines included) become spaces. */
export function plain(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function renderMail(parts: Parts): RenderedMail {
  const paragraphs = parts.paragraphs.map(plain);
  const footer = (parts.footer ?? []).map(plain);
  const text = [
    plain(parts.heading),
    '',
    ...paragraphs.flatMap((p) => [p, '']),
    ...(parts.action ? [`${plain(parts.action.label)}: ${parts.action.url}`, ''] : []),
    ...footer.flatMap((p) => [p, '']),
    '— FUSE',
  ].join('\n');
  const p = (s: string, style = '') => `<p style="margin:0 0 16px;${style}">${escapeHtml(s)}</p>`;
  const button = parts.action
    ? `<p style="margin:24px 0"><a href="${escapeHtml(parts.action.url)}" style="background:#1f4fd1;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none;display:inline-block">${escapeHtml(plain(parts.action.label))}</a></p>` +
      p(`Or open this link: ${parts.action.url}`, 'font-size:13px;color:#555;word-break:break-all')
    : '';
  const html = [
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">',
    `<title>${escapeHtml(plain(parts.subject))}</title></head>`,
    '<body style="font-family:system-ui,sans-serif;color:#1a1a1a;background:#f6f7f9;margin:0;padding:24px">',
    '<div style="max-width:520px;margin:0 auto;background:#fff;border-radius:8px;padding:24px">',
    `<h1 style="font-size:20px;margin:0 0 16px">${escapeHtml(plain(parts.heading))}</h1>`,
    ...paragraphs.map((s) => p(s)),
    button,
    ...footer.map((s) => p(s, 'font-size:13px;color:#555')),
    '<p style="margin:24px 0 0;font-size:13px;color:#555">— FUSE</p>',
    '</div></body></html>',
  ].join('');
  return { subject: plain(parts.subject), text, html };
}

export const templates = {
  verifyEmail: (a: { name: string; link: string }) =>
    renderMail({
      subject: 'Confirm your email address for FUSE',
      heading: 'Confirm your email address',
      paragraphs: [`Hello ${a.name},`, 'Confirm that this is your email address to invite others and manage billing on FUSE.'],
      action: { label: 'Confirm my email address', url: a.link },
      footer: ['The link works once and expires in 24 hours. If you did not sign up for FUSE, ignore this email.'],
    }),
  passwordReset: (a: { name: string; link: string }) =>
    renderMail({
      subject: 'Reset your FUSE password',
      heading: 'Reset your password',
      paragraphs: [`Hello ${a.name},`, 'Someone (hopefully you) asked to reset the password of your FUSE account.'],
      action: { label: 'Choose a new password', url: a.link },
      footer: [
        'The link works once and expires in 30 minutes. Resetting signs out every other device.',
        'If you did not ask for this, ignore this email: your password stays as it is.',
      ],
    }),
  confirmEmailChange: (a: { name: string; link: string }) =>
    renderMail({
      subject: 'Confirm your new email address for FUSE',
      heading: 'Confirm your new email address',
      paragraphs: [`Hello ${a.name},`, 'You asked to use this address for your FUSE account. Confirm it to make the change.'],
      action: { label: 'Use this email address', url: a.link },
      footer: ['The link works once and expires in 24 hours. If you did not ask for this, ignore this email.'],
    }),
  emailChanged: (a: { name: string; newEmail: string; link: string }) =>
    renderMail({
      subject: 'Your FUSE email address was changed',
      heading: 'Your email address was changed',
      paragraphs: [`Hello ${a.name},`, `The email address of your FUSE account is now ${a.newEmail}. This address will no longer receive its mail.`],
      action: { label: 'This wasn’t me', url: a.link },
      footer: [
        'If you did not make this change, open the link: it puts this address back and signs out every session. Then reset your password.',
        'The link works once and expires in 7 days.',
      ],
    }),
  emailTaken: () =>
    renderMail({
      subject: 'Someone tried to move a FUSE account to this address',
      heading: 'This address already has a FUSE account',
      paragraphs: [
        'Someone asked to change the email address of a FUSE account to this address, which already belongs to an account. Nothing was changed.',
        'If that was you, sign in with this address instead, or use another address.',
      ],
    }),
  teamInvite: (a: { inviterName: string; businessName: string; rank: string; link: string }) =>
    renderMail({
      subject: `${a.inviterName} invited you to ${a.businessName} on FUSE`,
      heading: `Join ${a.businessName} on FUSE`,
      paragraphs: [`${a.inviterName} invited you to join ${a.businessName} on FUSE as ${a.rank}.`],
      action: { label: 'Accept the invitation', url: a.link },
      footer: ['The link works once and expires in 7 days. If you did not expect this, ignore this email.'],
    }),
};
