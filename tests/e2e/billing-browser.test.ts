import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser } from '../setup/browser';
import { signUp } from './live-helpers';
import { DEMO_USERS, signInAs } from './ranks-helpers';

const baseUrl = inject('baseUrl');

/**
 * The local provider (the test server runs without Stripe keys, like the embedded `npm start`): the
 * whole upgrade flow in a browser, the test checkout completing through the webhook's code path, and
 * an open billing page updating live.
 */
describe('billing in the browser (local test checkout)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function contextFor(cookie: string): Promise<BrowserContext> {
    const context = await browser.newContext({ baseURL: baseUrl });
    const at = cookie.indexOf('=');
    await context.addCookies([{ name: cookie.slice(0, at), value: cookie.slice(at + 1), url: baseUrl }]);
    return context;
  }

  it('upgrades with "Pay with a test card", updates another open billing page live, then cancels back to free', async () => {
    const captain = await signUp(baseUrl, 'billing-browser');
    const context = await contextFor(captain);
    try {
      const watcher = await context.newPage();
      const live = watcher.waitForResponse((r) => new URL(r.url()).pathname === '/api/live');
      await watcher.goto('/dashboard/settings/billing');
      expect((await live).status()).toBe(200);
      await watcher.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
      expect(await watcher.locator('[data-plan]').innerText()).toBe('Free');
      expect(await watcher.locator('[data-usage="members"]').innerText()).toContain('1 of 5');
      const membersBar = watcher.getByRole('progressbar', { name: 'Members (with open invites) used' });
      expect([await membersBar.getAttribute('aria-valuenow'), await membersBar.getAttribute('aria-valuemax')]).toEqual(['1', '5']);

      const page = await context.newPage();
      await page.goto('/dashboard/settings/billing');
      await page.getByRole('button', { name: 'Upgrade to Pro' }).click();
      await page.waitForURL(/\/dashboard\/settings\/billing\/test-checkout\?plan=pro$/);
      await page.getByRole('button', { name: 'Pay with a test card' }).click();
      await page.waitForURL(/\/dashboard\/settings\/billing$/);
      await page.locator('[data-plan="pro"]').waitFor({ timeout: 10_000 });
      expect(await page.locator('[data-status]').innerText()).toBe('Active');

      // The other tab, never reloaded, shows the new plan and its limits.
      await watcher.locator('[data-plan="pro"]').waitFor({ timeout: 10_000 });
      expect(await watcher.locator('[data-usage="members"]').innerText()).toContain('1 of 25');
      expect(await membersBar.getAttribute('aria-valuemax')).toBe('25');
      expect(await watcher.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);

      await page.getByRole('button', { name: 'Manage billing' }).click();
      await page.waitForURL(/\/test-checkout\?manage=1$/);
      await page.getByRole('button', { name: 'Cancel subscription' }).click();
      await page.waitForURL(/\/dashboard\/settings\/billing$/);
      await page.locator('[data-plan="free"]').waitFor({ timeout: 10_000 });
      expect(await page.locator('[data-status]').innerText()).toBe('Canceled');
      await watcher.locator('[data-status="canceled"]').waitFor({ timeout: 10_000 });
    } finally {
      await context.close();
    }
  });

  it('crew reads the plan but gets no buttons, and the test checkout page does not exist for them', async () => {
    const crew = await signInAs(baseUrl, DEMO_USERS.crew);
    const context = await contextFor(crew);
    try {
      const page = await context.newPage();
      await page.goto('/dashboard/settings/billing');
      await page.locator('[data-plan]').waitFor();
      expect(
        await page
          .getByRole('button')
          .filter({ hasText: /Upgrade|Manage/ })
          .count(),
      ).toBe(0);
      expect(await page.getByText('Only a captain can change the plan').count()).toBe(1);
      const res = await page.goto('/dashboard/settings/billing/test-checkout?plan=pro');
      expect(res?.status()).toBe(404);
    } finally {
      await context.close();
    }
  });
});
