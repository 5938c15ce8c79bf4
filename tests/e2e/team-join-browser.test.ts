import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser } from '../setup/browser';
import { call, DEMO_USERS, signInAs } from './ranks-helpers';

const baseUrl = inject('baseUrl');
let browser: Browser;
let captain: string;

beforeAll(async () => {
  browser = await launchBrowser();
  captain = await signInAs(baseUrl, DEMO_USERS.captain);
});

afterAll(async () => {
  await browser?.close();
});

async function inviteLink(email: string): Promise<string> {
  const res = await call(baseUrl, captain, 'POST', '/api/team/invites', { email, rank: 'crew' });
  expect(res.status).toBe(201);
  const { link } = (await res.json()) as { link: string };
  // The link names the server's public origin; the test server listens on its own port.
  const url = new URL(link);
  return `${baseUrl}${url.pathname}${url.search}`;
}

describe('joining a business through an invite link, in the browser', () => {
  it('a new person names themselves, chooses a password, and lands on the dashboard as crew', async () => {
    const email = `join-${Date.now()}@example.com`;
    const link = await inviteLink(email);
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(link);
      // The form posts JSON once its script runs; wait for the page's scripts before typing.
      await page.waitForLoadState('networkidle');
      const form = page.getByRole('form', { name: 'Accept invitation' });
      // The invited address is shown, not editable, and not sent: the token decides the account.
      await expect.poll(() => form.getByLabel('Email').inputValue()).toBe(email);
      expect(await form.getByLabel('Email').getAttribute('readonly')).not.toBeNull();

      // A too-short password is refused field by field, and nothing is created.
      await form.getByLabel('Your name').fill('Joined In Browser');
      await form.getByLabel('Choose a password').fill('short');
      await form.getByRole('button', { name: 'Join' }).click();
      await form.locator('.field-error').first().waitFor();
      expect(page.url()).toContain('/join');

      await form.getByLabel('Choose a password').fill('a-long-enough-password-2026');
      await form.getByRole('button', { name: 'Join' }).click();
      await page.waitForURL(`${baseUrl}/dashboard**`);
      const session = (await context.cookies()).find((c) => c.name.endsWith('FUSE_SESSION'));
      expect(session).toBeDefined();

      const team = (await (await call(baseUrl, captain, 'GET', '/api/team')).json()) as { members: { name: string; rank: string }[] };
      expect(team.members.filter((m) => m.name === 'Joined In Browser').map((m) => m.rank)).toEqual(['crew']);
    } finally {
      await context.close();
    }
  });
});
