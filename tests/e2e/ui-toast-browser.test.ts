import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser } from '../setup/browser';
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
      const statusBefore = (await sameRow.locator('td').nth(3).innerText()).trim();
      expect(statusBefore).not.toBe('archived');

      await sameRow.getByRole('button', { name: 'Archive' }).click();
      const toast = page.getByRole('alert').filter({ hasText: 'The server could not save this.' });
      await toast.waitFor({ timeout: 10_000 });
      expect(await toast.innerText()).toContain('Your change was undone.');
      expect(refused.length).toBeGreaterThan(0);
      // Rolled back: the row shows its old status again.
      await expect.poll(async () => (await sameRow.locator('td').nth(3).innerText()).trim(), { timeout: 5_000 }).toBe(statusBefore);

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
