import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser } from '../setup/browser';
import { signUp } from './live-helpers';
import { call } from './ranks-helpers';

const baseUrl = inject('baseUrl');

describe('the team page is live', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("shows an invite made elsewhere, then the person who accepted it, on the captain's open page without a reload", async () => {
    // A business of its own, so no other test's members or invites show here.
    const captain = await signUp(baseUrl, 'team-live');
    const context = await browser.newContext({ baseURL: baseUrl });
    const at = captain.indexOf('=');
    await context.addCookies([{ name: captain.slice(0, at), value: captain.slice(at + 1), url: baseUrl }]);
    const page = await context.newPage();
    try {
      const live = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/live');
      await page.goto('/dashboard/team');
      expect((await live).status()).toBe(200);
      // A marker that a reload would wipe.
      await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));

      const email = `joiner-${randomUUID()}@example.com`;
      const invited = await call(baseUrl, captain, 'POST', '/api/team/invites', { email, rank: 'crew' });
      expect(invited.status).toBe(201);
      const { link } = (await invited.json()) as { link: string };
      const invites = page.getByRole('listitem').filter({ hasText: email });
      await invites.waitFor({ timeout: 10_000 });

      // The invitee accepts in a browser of their own (here: over the API, without the captain's cookie).
      const token = new URL(link).searchParams.get('token');
      const accepted = await call(baseUrl, null, 'POST', '/api/team/invites/accept', {
        token,
        name: 'Live Joiner',
        password: 'a-long-enough-password-2026',
      });
      expect(accepted.status).toBe(200);

      const row = page.locator(`tr[data-member="${email}"]`);
      await row.waitFor({ timeout: 10_000 });
      expect(await row.innerText()).toContain('Live Joiner');
      expect(await row.innerText()).toContain('crew');
      // The accepted invite is no longer open.
      await invites.waitFor({ state: 'detached', timeout: 10_000 });
      expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    } finally {
      await context.close();
    }
  });
});
