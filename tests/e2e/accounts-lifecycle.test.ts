import { randomUUID } from 'node:crypto';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { seedDemo } from '../../src/cli/demo-data';
import { migrateDatabase } from '../../src/fuse/db/migrate';
import { freePort, startAppServer, type AppServer } from '../setup/app-server';
import { launchBrowser } from '../setup/browser';
import { createPostgresDatabase } from '../setup/databases';
import { baseEnv, cookieFrom } from './hardening-support';
import { startMailSink, tokenIn } from './mail-support';

/**
 * The account lifecycle against production builds: two instances on one PostgreSQL, mail through a
 * real SMTP server on loopback. Requests come "through a proxy" on loopback that names the client,
 * so each test picks its own addresses.
 */
const serverUrl = process.env.DATABASE_URL;
if (!serverUrl && process.env.CI) throw new Error('CI=true but DATABASE_URL is not set: the accounts suite must run in CI.');

const PASSWORD = 'tide-and-anchor-42';
const NEW_PASSWORD = 'compass-rose-2077';
const INVALID_LINK = 'This link has expired or has already been used. Ask for a new one.';
const CHROME_MAC = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const FIREFOX_WIN = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';

let database: { url: string; drop: () => Promise<void> };
let mail: Awaited<ReturnType<typeof startMailSink>>;
let one: AppServer;
let two: AppServer;
let addresses = 0;
const tokensSeen: string[] = [];

function fromNewAddress(): Record<string, string> {
  addresses++;
  return { 'x-forwarded-for': `198.19.${addresses >> 8}.${addresses & 255}` };
}

async function call(
  method: string,
  path: string,
  options: { body?: unknown; cookie?: string | null; headers?: Record<string, string>; app?: AppServer } = {},
): Promise<Response> {
  return fetch(`${(options.app ?? one).url}${path}`, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.cookie ? { cookie: options.cookie } : {}),
      ...fromNewAddress(),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
  });
}

async function signUp(label: string, extra: Record<string, string> = {}): Promise<{ email: string; cookie: string; name: string }> {
  const email = `${label}-${randomUUID()}@example.com`;
  const name = extra.name ?? `${label} person`;
  const res = await call('POST', '/api/auth/sign-up', { body: { email, password: PASSWORD, name, businessName: `${label} Ltd`, ...extra } });
  expect(res.status).toBe(201);
  return { email, cookie: cookieFrom(res)!, name };
}

async function signIn(email: string, password = PASSWORD, headers: Record<string, string> = {}, app = one): Promise<string> {
  const res = await call('POST', '/api/auth/sign-in', { body: { email, password }, headers, app });
  expect(res.status).toBe(200);
  return cookieFrom(res)!;
}

async function account(cookie: string, app = one): Promise<{ status: number; account?: { email: string; emailVerified: boolean } }> {
  const res = await call('GET', '/api/account', { cookie, app });
  const body = (await res.json()) as { account?: { email: string; emailVerified: boolean } };
  return { status: res.status, account: body.account };
}

/**
 * The cookie is refused at once by the instance that ended it, and by the other within a moment
 * (it hears of it over PostgreSQL NOTIFY, not at its next refresh).
 */
async function signedOutEverywhere(cookie: string, endedOn: AppServer = one): Promise<void> {
  expect((await account(cookie, endedOn)).status).toBe(401);
  const other = endedOn === one ? two : one;
  const deadline = Date.now() + 2_000;
  while ((await account(cookie, other)).status !== 401 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect((await account(cookie, other)).status).toBe(401);
}

function remember(token: string): string {
  tokensSeen.push(token);
  return token;
}

async function verify(user: { email: string }) {
  const token = remember(tokenIn(await mail.waitFor(user.email, /confirm your email/i), '/verify-email'));
  const res = await call('POST', '/api/auth/verify-email', { body: { token } });
  expect(res.status).toBe(200);
  return token;
}

describe.runIf(serverUrl)('account lifecycle: two instances, real SMTP', () => {
  beforeAll(async () => {
    database = await createPostgresDatabase(serverUrl!, 'fuse_accounts');
    await migrateDatabase(database.url);
    const pool = new pg.Pool({ connectionString: database.url, max: 1 });
    await seedDemo(drizzle({ client: pool }));
    await pool.end();
    mail = await startMailSink();
    const port = await freePort();
    const env = baseEnv({
      DATABASE_URL: database.url,
      FUSE_EMBEDDED_DATABASE_URL: '',
      SMTP_URL: mail.url,
      MAIL_FROM: 'FUSE <no-reply@fuse.test>',
      FUSE_PUBLIC_URL: `http://127.0.0.1:${port}`,
      TRUSTED_PROXIES: '127.0.0.1',
      ACCOUNT_MAIL_RATE_LIMIT_MAX: '3',
      AUTH_RATE_LIMIT_MAX: '10',
      LOG_LEVEL: 'info',
    });
    [one, two] = await Promise.all([startAppServer(env, { port }), startAppServer(env)]);
  });

  afterAll(async () => {
    await Promise.all([one?.stop(), two?.stop()]);
    await mail?.stop();
    await database?.drop();
  });

  it('verification: sign-up mails a link; unverified accounts cannot invite; the link verifies once', async () => {
    const user = await signUp('verify');
    expect(await account(user.cookie)).toMatchObject({ status: 200, account: { email: user.email, emailVerified: false } });
    const refused = await call('POST', '/api/team/invites', { cookie: user.cookie, body: { email: `x-${randomUUID()}@example.com`, rank: 'crew' } });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toMatch(/confirm your email address/i);
    // Billing too, before it looks for a provider (this server has none: 503 once verified).
    for (const [path, body] of [
      ['/api/billing/checkout', { plan: 'pro' }],
      ['/api/billing/portal', undefined],
    ] as const) {
      const billing = await call('POST', path, { cookie: user.cookie, body });
      expect(billing.status, path).toBe(403);
      expect(((await billing.json()) as { error: string }).error).toMatch(/^Confirm your email address before changing billing/);
    }

    const message = await mail.waitFor(user.email, /confirm your email/i);
    expect(message.from).toBe('no-reply@fuse.test');
    expect(message.html).toContain(`href="${one.url}/verify-email?token=`);
    // The dashboard shows the banner with "resend" while unverified.
    const dashboard = await (await call('GET', '/dashboard', { cookie: user.cookie })).text();
    expect(dashboard).toContain('Confirm your email address');
    expect(dashboard).toContain('Resend the link');
    // Resend: a new link, and the first stops working.
    expect((await call('POST', '/api/auth/verify-email/resend', { cookie: user.cookie })).status).toBe(202);
    const first = remember(tokenIn(message, '/verify-email'));
    const second = remember(tokenIn(await mail.waitFor(user.email, /confirm your email/i, 2), '/verify-email'));
    expect(second).not.toBe(first);
    expect((await call('POST', '/api/auth/verify-email', { body: { token: first } })).status).toBe(400);
    const ok = await call('POST', '/api/auth/verify-email', { body: { token: second } });
    expect(ok.status).toBe(200);
    expect(await account(user.cookie)).toMatchObject({ account: { emailVerified: true } });
    const again = await call('POST', '/api/auth/verify-email', { body: { token: second } });
    expect(again.status).toBe(400);
    expect(((await again.json()) as { error: string }).error).toBe(INVALID_LINK);
    expect(await (await call('GET', '/dashboard', { cookie: user.cookie })).text()).not.toContain('Resend the link');
    expect((await call('POST', '/api/billing/checkout', { cookie: user.cookie, body: { plan: 'pro' } })).status).toBe(503);

    // Invites go through the same mailer once verified.
    const invitee = `invitee-${randomUUID()}@example.com`;
    const invited = await call('POST', '/api/team/invites', { cookie: user.cookie, body: { email: invitee, rank: 'crew' } });
    expect(invited.status).toBe(201);
    expect(await invited.json()).toMatchObject({ delivery: 'email', link: null });
    const inviteMail = await mail.waitFor(invitee, /invited you/i);
    expect(inviteMail.text).toContain(`${one.url}/join?token=`);
    tokensSeen.push(inviteMail.text.match(/join\?token=(\S+)/)![1]!);
  });

  it('password reset: same 202 for any address, a 30-minute single-use link that ends every session and signs this browser in', async () => {
    const user = await signUp('reset');
    const otherDevice = await signIn(user.email);
    const unknown = `nobody-${randomUUID()}@example.com`;
    const [known, nobody] = await Promise.all([
      call('POST', '/api/auth/password-reset', { body: { email: user.email.toUpperCase() } }),
      call('POST', '/api/auth/password-reset', { body: { email: unknown } }),
    ]);
    expect(known.status).toBe(202);
    expect(nobody.status).toBe(202);
    expect(await known.text()).toBe(await nobody.text());

    const message = await mail.waitFor(user.email, /reset your fuse password/i);
    expect(message.text).toMatch(/30 minutes/);
    const token = remember(tokenIn(message, '/reset-password'));
    // A tampered token, a token of another kind, a weak password: 400s, and the link stays usable.
    const tampered = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    for (const body of [
      { token: tampered, password: NEW_PASSWORD },
      { token: 'x'.repeat(5000), password: NEW_PASSWORD },
      { token: 42, password: NEW_PASSWORD },
    ]) {
      expect((await call('POST', '/api/auth/password-reset/confirm', { body })).status).toBe(400);
    }
    const weak = await call('POST', '/api/auth/password-reset/confirm', { body: { token, password: 'short' } });
    expect(weak.status).toBe(400);
    expect(((await weak.json()) as { fields: Record<string, string> }).fields.password).toBeDefined();

    const done = await call('POST', '/api/auth/password-reset/confirm', { body: { token, password: NEW_PASSWORD } });
    expect(done.status).toBe(200);
    const fresh = cookieFrom(done)!;
    expect(fresh).toBeTruthy();
    expect((await account(fresh)).status).toBe(200);
    // Every earlier session ended, on both instances, at once.
    await signedOutEverywhere(user.cookie);
    await signedOutEverywhere(otherDevice);
    expect((await call('POST', '/api/auth/sign-in', { body: { email: user.email, password: PASSWORD } })).status).toBe(401);
    await signIn(user.email, NEW_PASSWORD);
    const reused = await call('POST', '/api/auth/password-reset/confirm', { body: { token, password: `${NEW_PASSWORD}-x` } });
    expect(reused.status).toBe(400);
    expect(((await reused.json()) as { error: string }).error).toBe(INVALID_LINK);
    // Nothing was ever mailed to the unknown address.
    expect(mail.to(unknown)).toHaveLength(0);
  });

  it('password reset is limited per address (known or not) and per IP; bad input is a 400, huge bodies a 413', async () => {
    for (const email of [(await signUp('limit')).email, `ghost-${randomUUID()}@example.com`]) {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await call('POST', '/api/auth/password-reset', { body: { email } })).status);
      expect(statuses).toEqual([202, 202, 202, 429]);
    }
    const ip = { 'x-forwarded-for': '198.19.250.1' };
    const byIp = [];
    for (let i = 0; i < 12; i++)
      byIp.push((await call('POST', '/api/auth/password-reset', { body: { email: `ip-${i}-${randomUUID()}@example.com` }, headers: ip })).status);
    expect(byIp.slice(0, 10)).toEqual(Array(10).fill(202));
    expect(byIp.slice(10)).toEqual([429, 429]);
    // Header injection through the address is not an address.
    const injected = await call('POST', '/api/auth/password-reset', { body: { email: 'victim@example.com\r\nBcc: attacker@evil.test' } });
    expect(injected.status).toBe(400);
    expect((await call('POST', '/api/auth/password-reset', { body: { email: ['a@example.com'] } })).status).toBe(400);
    expect((await call('POST', '/api/auth/password-reset', { body: '{"email":' })).status).toBe(400);
    const huge = await call('POST', '/api/auth/password-reset', {
      body: JSON.stringify({ email: 'a@example.com', pad: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(huge.status).toBe(413);
    expect(mail.to('attacker@evil.test')).toHaveLength(0);
  });

  it('names cannot add headers or recipients to a mail', async () => {
    const user = await signUp('inject', { name: 'Eve\r\nBcc: attacker@evil.test\r\nSubject: pwned' });
    const message = await mail.waitFor(user.email, /confirm your email/i);
    expect(message.to).toEqual([user.email]);
    expect(message.subject).toBe('Confirm your email address for FUSE');
    expect(message.headers.has('bcc')).toBe(false);
    expect(mail.to('attacker@evil.test')).toHaveLength(0);
    await verify(user);
    const invitee = `inj-${randomUUID()}@example.com`;
    expect((await call('POST', '/api/team/invites', { cookie: user.cookie, body: { email: invitee, rank: 'crew' } })).status).toBe(201);
    const invite = await mail.waitFor(invitee, /invited you/i);
    expect(invite.to).toEqual([invitee]);
    expect(invite.headers.has('bcc')).toBe(false);
    expect(invite.html).not.toContain('<script');
  });

  it('email change: password required; confirmed from the new address; the old one is told and can say "this wasn\'t me"', async () => {
    const user = await signUp('change');
    const next = `moved-${randomUUID()}@example.com`;
    const wrong = await call('POST', '/api/account/email', { cookie: user.cookie, body: { email: next, password: 'not-it-12345' } });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { fields: Record<string, string> }).fields.password).toBeDefined();
    const asked = await call('POST', '/api/account/email', { cookie: user.cookie, body: { email: next, password: PASSWORD } });
    expect(asked.status).toBe(202);
    const token = remember(tokenIn(await mail.waitFor(next, /confirm your new email/i), '/confirm-email'));
    expect((await account(user.cookie)).account!.email).toBe(user.email);
    // A confirmation link is not a verification or reset link.
    expect((await call('POST', '/api/auth/verify-email', { body: { token } })).status).toBe(400);
    const confirmed = await call('POST', '/api/account/email/confirm', { body: { token } });
    expect(confirmed.status).toBe(200);
    expect(await account(user.cookie)).toMatchObject({ status: 200, account: { email: next, emailVerified: true } });
    await signIn(next);

    const notice = await mail.waitFor(user.email, /email address was changed/i);
    expect(notice.text).toContain(next);
    const revert = remember(tokenIn(notice, '/revert-email'));
    const undone = await call('POST', '/api/account/email/revert', { body: { token: revert } });
    expect(undone.status).toBe(200);
    expect(((await undone.json()) as { email: string }).email).toBe(user.email);
    await signedOutEverywhere(user.cookie);
    expect((await call('POST', '/api/auth/sign-in', { body: { email: next, password: PASSWORD } })).status).toBe(401);
    await signIn(user.email);
    expect((await call('POST', '/api/account/email/revert', { body: { token: revert } })).status).toBe(400);
  });

  it('sessions: listed with device, network and "current"; one ends at once on every instance; only its owner can end it', async () => {
    const user = await signUp('devices');
    const mac = await signIn(user.email, PASSWORD, { 'user-agent': CHROME_MAC, 'x-forwarded-for': '203.0.113.45' });
    const win = await signIn(user.email, PASSWORD, { 'user-agent': FIREFOX_WIN, 'x-forwarded-for': '2001:db8:7:1::5' }, two);
    const res = await call('GET', '/api/auth/sessions', { cookie: mac, app: two });
    expect(res.status).toBe(200);
    const { sessions } = (await res.json()) as {
      sessions: { id: string; device: string; ip: string; current: boolean; createdAt: string; lastSeenAt: string }[];
    };
    expect(sessions).toHaveLength(3);
    const macRow = sessions.find((s) => s.current)!;
    expect(macRow).toMatchObject({ device: 'Chrome 126 on macOS', ip: '203.0.113.0/24' });
    const winRow = sessions.find((s) => s.device === 'Firefox 128 on Windows')!;
    expect(winRow).toMatchObject({ ip: '2001:db8:7::/48', current: false });
    expect(Date.parse(winRow.createdAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(Date.parse(winRow.lastSeenAt)).toBeGreaterThan(Date.now() - 60_000);

    // Someone else cannot end it, nor learn it exists; nonsense ids are 404 too.
    const stranger = await signUp('stranger');
    expect((await call('DELETE', `/api/auth/sessions/${winRow.id}`, { cookie: stranger.cookie })).status).toBe(404);
    expect((await call('DELETE', '/api/auth/sessions/not-a-uuid', { cookie: mac })).status).toBe(404);
    expect((await call('DELETE', `/api/auth/sessions/${randomUUID()}`, { cookie: mac })).status).toBe(404);
    expect((await call('DELETE', `/api/auth/sessions/${winRow.id}`)).status).toBe(401);
    expect((await account(win, two)).status).toBe(200);

    // Ended through one instance, refused at once by both, reads included.
    expect((await call('DELETE', `/api/auth/sessions/${winRow.id}`, { cookie: mac, app: one })).status).toBe(200);
    await signedOutEverywhere(win, one);
    expect((await call('GET', '/api/auth/sessions', { cookie: win, app: two })).status).toBe(401);
    expect((await account(mac)).status).toBe(200);
    const after = (await (await call('GET', '/api/auth/sessions', { cookie: mac })).json()) as { sessions: { id: string }[] };
    expect(after.sessions.map((s) => s.id)).not.toContain(winRow.id);
    // Ending this session signs this browser out.
    const own = await call('DELETE', `/api/auth/sessions/${macRow.id}`, { cookie: mac });
    expect(own.status).toBe(200);
    expect(own.headers.getSetCookie().some((c) => /FUSE_SESSION=;/.test(c))).toBe(true);
    await signedOutEverywhere(mac);
  });

  it('account deletion: password checked; the only captain with members must hand over; then everything of the user goes', async () => {
    const captain = await signUp('captain');
    await verify(captain);
    const crewEmail = `crew-${randomUUID()}@example.com`;
    expect((await call('POST', '/api/team/invites', { cookie: captain.cookie, body: { email: crewEmail, rank: 'crew' } })).status).toBe(201);
    const inviteToken = decodeURIComponent((await mail.waitFor(crewEmail, /invited you/i)).text.match(/join\?token=(\S+)/)![1]!);
    const joined = await call('POST', '/api/team/invites/accept', { body: { token: inviteToken, name: 'Crew Member', password: PASSWORD } });
    expect(joined.status).toBe(200);
    const crew = cookieFrom(joined)!;

    const wrong = await call('DELETE', '/api/account', { cookie: captain.cookie, body: { password: 'wrong-password-9' } });
    expect(wrong.status).toBe(400);
    const blocked = await call('DELETE', '/api/account', { cookie: captain.cookie, body: { password: PASSWORD } });
    expect(blocked.status).toBe(409);
    expect(((await blocked.json()) as { error: string }).error).toMatch(/only captain of captain Ltd.*make another member captain/i);
    expect((await account(captain.cookie)).status).toBe(200);

    // The crew member leaves: their row and sessions go, the business stays.
    expect((await call('DELETE', '/api/account', { cookie: crew, body: { password: PASSWORD } })).status).toBe(200);
    await signedOutEverywhere(crew);
    expect((await call('POST', '/api/auth/sign-in', { body: { email: crewEmail, password: PASSWORD } })).status).toBe(401);
    const team = (await (await call('GET', '/api/team', { cookie: captain.cookie })).json()) as { members: { email: string }[] };
    expect(team.members.map((m) => m.email)).toEqual([captain.email]);

    // Now alone: the captain may go, and the business with them.
    const created = await call('POST', '/api/clients', {
      cookie: captain.cookie,
      body: { firstName: 'Gone', lastName: 'Soon', email: `gone-${randomUUID()}@example.com` },
    });
    expect(created.status).toBe(201);
    const gone = await call('DELETE', '/api/account', { cookie: captain.cookie, body: { password: PASSWORD } });
    expect(gone.status).toBe(200);
    await signedOutEverywhere(captain.cookie);
    expect((await call('POST', '/api/auth/sign-in', { body: { email: captain.email, password: PASSWORD } })).status).toBe(401);
    const check = new pg.Client({ connectionString: database.url });
    await check.connect();
    try {
      const left = await check.query(
        `select (select count(*) from users where lower(email) = lower($1))::int as users,
                (select count(*) from businesses where name = 'captain Ltd')::int as businesses,
                (select count(*) from clients c join businesses b on b.id = c.business_id where b.name = 'captain Ltd')::int as clients`,
        [captain.email],
      );
      expect(left.rows[0]).toEqual({ users: 0, businesses: 0, clients: 0 });
    } finally {
      await check.end();
    }
  });

  it('no link or token reaches the log', () => {
    expect(tokensSeen.length).toBeGreaterThan(5);
    const logs = one.output() + two.output();
    expect(logs).toContain('mail sent');
    for (const token of tokensSeen) expect(logs).not.toContain(token);
    expect(logs).not.toMatch(/token=/);
  });

  describe('in the browser', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('the security page: sessions with "Sign out" per device, password change, field errors tied to their inputs, account deletion in a dialog', async () => {
      const user = await signUp('secpage');
      const laptop = await signIn(user.email, PASSWORD, { 'user-agent': FIREFOX_WIN });
      const context = await browser.newContext();
      const page = await context.newPage();
      try {
        await page.goto(`${one.url}/sign-in`);
        await page.waitForLoadState('networkidle');
        const signInForm = page.locator('form');
        await signInForm.getByLabel('Email').fill(user.email);
        await signInForm.getByLabel('Password').fill(PASSWORD);
        await signInForm.getByRole('button', { name: 'Sign in' }).click();
        await page.waitForURL(/\/dashboard/);
        await page.goto(`${one.url}/dashboard/settings/security`);
        await page.waitForLoadState('networkidle');
        expect(await page.getByRole('heading', { name: 'Security', level: 1 }).isVisible()).toBe(true);
        const list = page.getByRole('list', { name: 'Your sessions' });
        await expect.poll(() => list.getByRole('listitem').count()).toBe(3);
        expect(await list.getByText('(this device)').count()).toBe(1);

        await list.getByRole('button', { name: 'Sign out Firefox 128 on Windows' }).click();
        await expect.poll(() => list.getByRole('listitem').count()).toBe(2);
        await signedOutEverywhere(laptop);

        // A wrong password on the email change: the error is next to the field and named by it.
        const emailForm = page.getByRole('form', { name: 'Change your email address' });
        await emailForm.getByLabel('New email address').fill(`sec-${randomUUID()}@example.com`);
        await emailForm.getByLabel('Your password').fill('not-the-password-1');
        await emailForm.getByRole('button', { name: 'Change email address' }).click();
        const pwField = emailForm.getByLabel('Your password');
        await expect.poll(() => pwField.getAttribute('aria-invalid')).toBe('true');
        const errorId = (await pwField.getAttribute('aria-describedby'))!;
        expect(await page.locator(`[id="${errorId}"]`).textContent()).toBe('That is not your password.');

        const passwordForm = page.getByRole('form', { name: 'Change your password' });
        await passwordForm.getByLabel('Current password').fill(PASSWORD);
        await passwordForm.getByLabel('New password').fill(NEW_PASSWORD);
        await passwordForm.getByRole('button', { name: 'Change password' }).click();
        await expect.poll(() => page.getByRole('status').allTextContents()).toContain('Your password is changed. Every other device is signed out.');
        await signIn(user.email, NEW_PASSWORD);

        // Deleting the account is a dialog: focus goes to its password field, Escape closes it and
        // gives the focus back to the button that opened it; a wrong password is an error on the field.
        const deleteButton = page.getByRole('button', { name: 'Delete my account…' });
        await deleteButton.click();
        const dialog = page.getByRole('dialog', { name: 'Delete your account?' });
        await dialog.waitFor();
        const deletePassword = dialog.getByLabel('Your password');
        await expect.poll(() => deletePassword.evaluate((el) => el === document.activeElement)).toBe(true);
        await page.keyboard.press('Escape');
        await dialog.waitFor({ state: 'detached' });
        expect(await deleteButton.evaluate((el) => el === document.activeElement)).toBe(true);
        await deleteButton.click();
        await deletePassword.fill('not-the-password-1');
        await dialog.getByRole('button', { name: 'Delete my account' }).click();
        await expect.poll(() => deletePassword.getAttribute('aria-invalid')).toBe('true');
        expect(await page.locator(`[id="${(await deletePassword.getAttribute('aria-describedby'))!}"]`).textContent()).toBe(
          'That is not your password.',
        );
        await deletePassword.fill(NEW_PASSWORD);
        await dialog.getByRole('button', { name: 'Delete my account' }).click();
        await page.waitForURL(`${one.url}/`);
        expect((await call('POST', '/api/auth/sign-in', { body: { email: user.email, password: NEW_PASSWORD } })).status).toBe(401);
      } finally {
        await context.close();
      }
    });

    it('resets a forgotten password from the sign-in page and lands on the dashboard', async () => {
      const user = await signUp('browser');
      const context = await browser.newContext();
      const page = await context.newPage();
      try {
        await page.goto(`${one.url}/sign-in`);
        await page.waitForLoadState('networkidle');
        await page.getByRole('link', { name: 'Forgot your password?' }).click();
        await page.waitForURL(`${one.url}/forgot-password`);
        await page.waitForLoadState('networkidle');
        const form = page.getByRole('form', { name: 'Reset your password' });
        await form.getByLabel('Email').fill(user.email);
        await form.getByRole('button', { name: 'Email me a link' }).click();
        await expect.poll(() => page.getByRole('status').textContent()).toMatch(/on its way/);

        const token = remember(tokenIn(await mail.waitFor(user.email, /reset your fuse password/i), '/reset-password'));
        await page.goto(`${one.url}/reset-password?token=${token}`);
        await page.waitForLoadState('networkidle');
        const reset = page.getByRole('form', { name: 'Choose a new password' });
        await reset.getByLabel('New password').fill('short');
        await reset.getByRole('button', { name: 'Set password and sign in' }).click();
        const field = reset.getByLabel('New password');
        await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
        const describedBy = (await field.getAttribute('aria-describedby'))!;
        const error = page.locator(`[id="${describedBy.split(' ').at(-1)}"]`);
        expect(await error.textContent()).toMatch(/at least 10 characters/i);
        await field.fill(NEW_PASSWORD);
        await reset.getByRole('button', { name: 'Set password and sign in' }).click();
        await page.waitForURL(`${one.url}/dashboard`);
        expect(await page.getByRole('heading', { level: 1 }).first().textContent()).toBeTruthy();
        expect((await account(user.cookie)).status).toBe(401);
      } finally {
        await context.close();
      }
    });
  });
});

describe('without mail (production, no SMTP_URL)', () => {
  const baseUrl = inject('baseUrl');

  it('account mail is refused as not configured, and there is no development mailbox', async () => {
    const res = await fetch(`${baseUrl}/api/auth/password-reset`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'captain@demo.fuse.dev' }),
    });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: string }).error).toMatch(/mail is not configured/i);
    expect((await fetch(`${baseUrl}/dev/mailbox`)).status).toBe(404);
  });
});
