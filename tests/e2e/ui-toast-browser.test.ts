import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser } from '../setup/browser';
import { createClientOverApi, newClientBody } from './live-helpers';
import { DEMO_USERS, signInAs } from './ranks-helpers';
import { contextWith } from './ui-support';

const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe('a refused optimistic write', () => {
  it('is rolled back on screen and a toast says what happened', async () => {
    const cookie = await signInAs(baseUrl, DEMO_USERS.captain);
    const context = await contextWith(browser, baseUrl, cookie);
    const page = await context.newPage();
    try {
      // The server refuses every change to a client (as a failing server would); reads go through.
      const refused: string[] = [];
      await page.route(
        (url) => /^\/api\/clients\/\d+$/.test(url.pathname),
        (route) => {
          if (route.request().method() === 'GET') return route.continue();
          refused.push(route.request().method());
          return route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: 'The server could not save this.' }) });
        },
      );
      await page.goto('/dashboard/clients');
      const row = page
        .locator('tr[data-client-id]')
        .filter({ has: page.getByRole('button', { name: 'Archive' }) })
        .first();
      await row.waitFor();
      const id = await row.getAttribute('data-client-id');
      const sameRow = page.locator(`tr[data-client-id="${id}"]`);
      const statusBefore = (await sameRow.locator('td[data-label="Status"]').innerText()).trim();
      expect(statusBefore).not.toBe('archived');

      await sameRow.getByRole('button', { name: 'Archive' }).click();
      const toast = page.getByRole('alert').filter({ hasText: 'The server could not save this.' });
      await toast.waitFor({ timeout: 10_000 });
      expect(await toast.innerText()).toContain('Your change was undone.');
      expect(refused.length).toBeGreaterThan(0);
      // Rolled back: the row shows its old status again.
      await expect.poll(async () => (await sameRow.locator('td[data-label="Status"]').innerText()).trim(), { timeout: 5_000 }).toBe(statusBefore);

      // The toast is dismissed from its button and focus stays on the page.
      await toast.getByRole('button', { name: 'Dismiss' }).click();
      await toast.waitFor({ state: 'detached' });
    } finally {
      await context.close();
    }
  });

  it('edits in a dialog that takes focus, traps it, and gives it back on Escape', async () => {
    const cookie = await signInAs(baseUrl, DEMO_USERS.captain);
    const context = await contextWith(browser, baseUrl, cookie);
    const page = await context.newPage();
    try {
      await page.goto('/dashboard/clients');
      const edit = page.locator('tr[data-client-id]').first().getByRole('button', { name: 'Edit' });
      await edit.click();
      const dialog = page.getByRole('dialog', { name: 'Edit client' });
      await dialog.waitFor();
      expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
      for (let i = 0; i < 8; i++) await page.keyboard.press('Tab');
      expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      expect(await edit.evaluate((b) => b === document.activeElement)).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('opens the menu on a phone as a dialog and closes it on navigation', async () => {
    const cookie = await signInAs(baseUrl, DEMO_USERS.captain);
    const context = await contextWith(browser, baseUrl, cookie);
    const page = await context.newPage();
    try {
      await page.setViewportSize({ width: 375, height: 812 });
      await page.goto('/dashboard');
      // The sidebar is hidden at this width; the header's menu button opens the navigation.
      await page.getByRole('button', { name: 'Open menu' }).click();
      const menu = page.getByRole('dialog');
      await menu.getByRole('link', { name: 'Clients' }).click();
      await page.waitForURL('**/dashboard/clients');
      await menu.waitFor({ state: 'detached' });
      await page.locator('tr[data-client-id]').first().waitFor();
    } finally {
      await context.close();
    }
  });
});

/** Starts recording, in the page, every notice the polite toast region shows (each change of its text). */
async function recordNotices(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const w = window as unknown as { __notices: string[] };
    w.__notices = [];
    let last: string | null = null;
    const check = () => {
      const text = document.querySelector('[role="status"][aria-live="polite"] [data-toast]')?.textContent ?? null;
      if (text !== last && text !== null) w.__notices.push(text);
      last = text;
    };
    new MutationObserver(check).observe(document.body, { childList: true, subtree: true, characterData: true });
  });
  return () => page.evaluate(() => (window as unknown as { __notices: string[] }).__notices);
}

describe('live changes made by others', () => {
  it("toast politely for another user, never for this user's own change, and once for a burst", async () => {
    const captain = await signInAs(baseUrl, DEMO_USERS.captain);
    const crew = await signInAs(baseUrl, DEMO_USERS.crew);
    const context = await contextWith(browser, baseUrl, captain);
    const page = await context.newPage();
    try {
      const live = page.waitForResponse((r) => r.url().includes('/api/live'));
      await page.goto('/dashboard/clients');
      expect((await live).status()).toBe(200);
      await page.locator('tr[data-client-id]').first().waitFor();
      const notices = await recordNotices(page);

      // Another member adds a client over the API: the open page says so, politely.
      const theirs = newClientBody('toast-theirs');
      expect((await createClientOverApi(baseUrl, crew, theirs)).status).toBe(201);
      await page.getByRole('cell', { name: theirs.email }).waitFor({ timeout: 10_000 });
      const notice = page.getByRole('status').filter({ hasText: 'A client was added' });
      await notice.waitFor({ timeout: 5_000 });
      expect(await notice.getAttribute('aria-live')).toBe('polite');
      expect(await notices()).toEqual(['A client was added']);

      // The captain's own new client, through the page: shown, and no toast about it.
      const mine = newClientBody('toast-mine');
      await page.getByLabel('First name').fill(mine.firstName);
      await page.getByLabel('Last name').fill(mine.lastName);
      await page.getByLabel('Email').fill(mine.email);
      const saved = page.waitForResponse((r) => r.url().endsWith('/api/clients') && r.request().method() === 'POST');
      await page.getByRole('button', { name: 'Add client' }).click();
      expect((await saved).status()).toBe(201);
      await page.getByRole('cell', { name: mine.email }).waitFor();
      // Long enough for its live echo to arrive and a burst to end.
      await page.waitForTimeout(3_000);
      expect(await notices()).toEqual(['A client was added']);

      // A burst of 20 changes by someone else: one toast that counts them.
      const burst = Array.from({ length: 20 }, (_, i) => newClientBody(`toast-burst-${i}`));
      const answers = await Promise.all(burst.map((body) => createClientOverApi(baseUrl, crew, body)));
      expect(answers.map((r) => r.status)).toEqual(burst.map(() => 201));
      await page.getByRole('status').filter({ hasText: 'clients changed' }).waitFor({ timeout: 10_000 });
      await page.waitForTimeout(3_000);
      expect(await notices()).toEqual(['A client was added', '20 clients changed']);
    } finally {
      await context.close();
    }
  });
});
