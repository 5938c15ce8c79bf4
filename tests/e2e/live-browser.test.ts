import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser } from '../setup/browser';
import { createClientOverApi, newClientBody, signIn } from './live-helpers';

const baseUrl = inject('baseUrl');

describe('live changes in the browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function twoPages() {
    const cookie = await signIn(baseUrl);
    const [name, value] = [cookie.slice(0, cookie.indexOf('=')), cookie.slice(cookie.indexOf('=') + 1)];
    const context = await browser.newContext({ baseURL: baseUrl });
    await context.addCookies([{ name, value, url: baseUrl }]);
    const pages = [await context.newPage(), await context.newPage()] as const;
    for (const page of pages) {
      const live = page.waitForResponse((r) => r.url().includes('/api/live'));
      await page.goto('/dashboard/clients');
      expect((await live).status()).toBe(200);
      // A marker that a reload would wipe.
      await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
    }
    return { context, cookie, pages };
  }

  it('shows a client added in one page in the other within 1 s, without a reload', async () => {
    const { context, pages } = await twoPages();
    const [a, b] = pages;
    try {
      const email = `live-${randomUUID()}@example.com`;
      // Page b notes (by its own clock) when the new row shows up.
      await b.evaluate((wanted) => {
        const w = window as unknown as { __seenAt?: number };
        const check = () => {
          if (!w.__seenAt && document.body.innerText.includes(wanted)) w.__seenAt = Date.now();
        };
        new MutationObserver(check).observe(document.body, { childList: true, subtree: true, characterData: true });
      }, email);
      await a.getByLabel('First name').fill('Rae');
      await a.getByLabel('Last name').fill('Okafor');
      await a.getByLabel('Email').fill(email);
      const saved = a.waitForResponse((r) => r.url().endsWith('/api/clients') && r.request().method() === 'POST');
      await a.getByRole('button', { name: 'Add client' }).click();
      const response = await saved;
      expect(response.status()).toBe(201);
      await response.finished();
      const timing = response.request().timing();
      // When page a had the server's answer (same machine, same clock as page b).
      const confirmedAt = timing.startTime + timing.responseEnd;
      await b.getByRole('cell', { name: email }).waitFor({ timeout: 10_000 });
      const seenAt = await b.evaluate(() => (window as unknown as { __seenAt?: number }).__seenAt);
      expect(seenAt).toEqual(expect.any(Number));
      expect(seenAt! - confirmedAt).toBeLessThan(1_000);
      expect(await b.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
      // The page that made the change shows it once (its own echo confirms, not duplicates).
      await b.waitForTimeout(200);
      expect(await a.getByRole('cell', { name: email }).count()).toBe(1);
      expect(await b.getByRole('cell', { name: email }).count()).toBe(1);
    } finally {
      await context.close();
    }
  });

  it('shows an offline note while the stream is down and catches up when it is back', async () => {
    const { context, cookie, pages } = await twoPages();
    const [, b] = pages;
    try {
      await b.context().setOffline(true);
      await b.getByRole('status').filter({ hasText: 'Offline' }).waitFor({ timeout: 5_000 });
      const body = newClientBody('while-offline');
      expect((await createClientOverApi(baseUrl, cookie, body)).status).toBe(201);
      await b.context().setOffline(false);
      await b.getByRole('cell', { name: body.email }).waitFor({ timeout: 10_000 });
      await b.getByRole('status').filter({ hasText: 'Offline' }).waitFor({ state: 'detached', timeout: 5_000 });
      expect(await b.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    } finally {
      await context.close();
    }
  });
});
