import type { Browser, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser } from '../setup/browser';
import { DEMO_PASSWORD, DEMO_USERS } from './ranks-helpers';

const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

/** A request for data: a fetch to the API other than the live stream and the metrics beacon. */
function isDataRequest(r: Request): boolean {
  const url = new URL(r.url());
  return url.pathname.startsWith('/api/') && url.pathname !== '/api/live' && url.pathname !== '/api/vitals';
}

describe('instant navigation by idle preloading', () => {
  it('preloads the sidebar pages when idle; Clients → Finance shows the data within 100 ms with no data request', async () => {
    const context = await browser.newContext({ baseURL: baseUrl });
    const page = await context.newPage();
    try {
      const signIn = await context.request.post('/api/auth/sign-in', { data: { email: DEMO_USERS.captain, password: DEMO_PASSWORD } });
      expect(signIn.status()).toBe(200);

      const beacons: { name: string; value: number; page: string }[] = [];
      page.on('request', (r) => {
        if (new URL(r.url()).pathname === '/api/vitals' && r.method() === 'POST') {
          const body = JSON.parse(r.postData() ?? '{}') as { name: string; value: number; page: string };
          if (body.name === 'preload.hit') beacons.push(body);
        }
      });

      // The idle preloader fetches each other sidebar page's slice once: finance, team, settings.
      const preloaded = ['/api/invoices', '/api/team', '/api/settings'].map((path) =>
        page.waitForResponse((res) => new URL(res.url()).pathname === path && res.request().headers()['x-fuse-preload'] === '1', { timeout: 60_000 }),
      );
      await page.goto('/dashboard/clients');
      await page.locator('tr[data-client-id]').first().waitFor();
      const responses = await Promise.all(preloaded);
      expect(responses.map((r) => r.status())).toEqual([200, 200, 200]);
      const financeSlice = (await responses[0]!.json()) as { summary: { revenueThisMonthCents: number }; invoices: { items: { number: string }[] } };
      expect(financeSlice.invoices.items.length).toBeGreaterThan(0);

      // Every data request from the click on, except the idle preloader's own (marked x-fuse-preload),
      // which after landing fetches the slice of the page just left, for the next navigation.
      const afterClick: string[] = [];
      const preloadsAfterClick: string[] = [];
      page.on('request', (r) => {
        if (!isDataRequest(r)) return;
        (r.headers()['x-fuse-preload'] === '1' ? preloadsAfterClick : afterClick).push(`${r.method()} ${new URL(r.url()).pathname}`);
      });

      // Click, then watch the DOM for the finance numbers and the first invoice row, visible.
      const elapsed = await page.evaluate(
        () =>
          new Promise<number>((resolve, reject) => {
            const link = document.querySelector<HTMLAnchorElement>('nav a[href="/dashboard/finance"]');
            if (!link) return reject(new Error('no Finance link in the sidebar'));
            const visible = (sel: string) => [...document.querySelectorAll(sel)].some((el) => el.checkVisibility());
            const ready = () => visible('[data-metric="revenue-this-month"]') && visible('tr[data-invoice-id]');
            const start = performance.now();
            const observer = new MutationObserver(() => {
              if (ready()) {
                observer.disconnect();
                resolve(performance.now() - start);
              }
            });
            observer.observe(document.body, { childList: true, subtree: true });
            link.click();
            if (ready()) {
              observer.disconnect();
              resolve(performance.now() - start);
            }
            setTimeout(() => reject(new Error('finance content did not appear within 5 s')), 5_000);
          }),
      );
      expect(elapsed).toBeLessThan(100);

      // The server's render of the page takes over; the numbers shown are the same.
      await page.waitForURL(`${baseUrl}/dashboard/finance`);
      await expect.poll(() => page.locator('[data-instant-preview]').count(), { timeout: 30_000 }).toBe(0);
      await page.locator('[data-metric="revenue-this-month"]').waitFor();
      expect(await page.locator('tr[data-invoice-id]').count()).toBeGreaterThan(0);
      expect(afterClick).toEqual([]);
      expect(preloadsAfterClick.every((r) => !r.includes('/api/invoices'))).toBe(true);

      // The hit was recorded as the custom metric preload.hit = 1.
      await expect.poll(() => beacons.length, { timeout: 10_000 }).toBeGreaterThan(0);
      expect(beacons[0]).toEqual({ name: 'preload.hit', value: 1, page: '/dashboard/finance' });
    } finally {
      await context.close();
    }
  });

  it('offers crew only what crew may open, and preloads nothing for the pages crew cannot see', async () => {
    const context = await browser.newContext({ baseURL: baseUrl });
    const page = await context.newPage();
    try {
      const signIn = await context.request.post('/api/auth/sign-in', { data: { email: DEMO_USERS.crew, password: DEMO_PASSWORD } });
      expect(signIn.status()).toBe(200);
      const requested: string[] = [];
      page.on('request', (r) => {
        if (isDataRequest(r)) requested.push(new URL(r.url()).pathname);
      });
      const settingsPreloaded = page.waitForResponse((res) => new URL(res.url()).pathname === '/api/settings', { timeout: 60_000 });
      await page.goto('/dashboard/finance');
      await settingsPreloaded;
      const links = await page.locator('nav a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      expect(links).toContain('/dashboard/finance');
      expect(links).not.toContain('/dashboard/team');
      expect(requested).not.toContain('/api/team');
      expect(requested).not.toContain('/api/invoices'); // the page on screen has its own data
      // Crew reads invoices but gets no create form and no send / mark-paid buttons.
      expect(await page.getByRole('form', { name: 'New invoice' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'New invoice' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Mark paid' }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
