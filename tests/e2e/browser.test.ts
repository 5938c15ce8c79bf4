import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser } from '../setup/browser';

const baseUrl = inject('baseUrl');
const DEMO_CAPTAIN = { email: 'captain@demo.fuse.dev', password: 'fuse-demo-2026' };
const ROW = 'tr[data-client-id]';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

async function signedInAsDemoCaptain(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: baseUrl });
  const res = await context.request.post('/api/auth/sign-in', { data: DEMO_CAPTAIN });
  expect(res.status()).toBe(200);
  return { context, page: await context.newPage() };
}

/** Holds every POST /api/clients of the page until the returned function is called. */
async function holdClientPosts(page: Page): Promise<() => void> {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  await page.route('**/api/clients', async (route) => {
    if (route.request().method() === 'POST') await held;
    await route.continue();
  });
  return release;
}

describe('browser', () => {
  it('sign up → dashboard → clients → create → load more → sign out → /dashboard redirects to sign-in', async () => {
    const context = await browser.newContext({ baseURL: baseUrl });
    const page = await context.newPage();
    try {
      const email = `browser-${randomUUID()}@example.com`;
      await page.goto('/sign-up');
      await page.getByLabel('Your name').fill('Bea Browser');
      await page.getByLabel('Business name').fill('Browser Boats');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel(/^Password/).fill('correct-horse-42');
      await page.getByRole('button', { name: 'Create business' }).click();
      await page.waitForURL(`${baseUrl}/dashboard`);

      // The summary of the new, empty business.
      await expect.poll(() => page.locator('[data-status="total"]').textContent(), { timeout: 30_000 }).toBe('0');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Browser Boats');

      // More clients than the free plan's 100: on to pro through the local test checkout.
      expect((await page.request.post('/api/billing/test-checkout', { data: { action: 'pay', plan: 'pro' } })).status()).toBe(200);
      // Give the business 100 clients (two pages) through the API with the browser's own session cookie.
      for (let i = 0; i < 100; i += 10) {
        const batch = Array.from({ length: 10 }, (_, j) =>
          page.request.post('/api/clients', {
            data: { email: `bulk-${i + j}-${randomUUID()}@example.com`, firstName: `Bulk${i + j}`, lastName: 'Client' },
          }),
        );
        for (const res of await Promise.all(batch)) expect(res.status()).toBe(201);
      }
      await page.reload();
      expect(await page.locator('[data-status="total"]').textContent()).toBe('100');
      expect(await page.locator('[data-status="active"]').textContent()).toBe('100');

      await page.getByRole('link', { name: 'Clients' }).click();
      await page.waitForURL(`${baseUrl}/dashboard/clients`);
      await expect.poll(() => page.locator(ROW).count(), { timeout: 30_000 }).toBe(50);

      // Create: the row appears at once, before the server has answered (the POST is held until the
      // row is seen), then the server's answer confirms it.
      const releasePost = await holdClientPosts(page);
      const form = page.getByRole('form', { name: 'Add client' });
      const newEmail = `new-${randomUUID()}@example.com`;
      await form.getByLabel('First name').fill('Nova');
      await form.getByLabel('Last name').fill('Newrow');
      await form.getByLabel('Email').fill(newEmail);
      await form.getByRole('button', { name: 'Add client' }).click();
      const created = page.locator(ROW, { hasText: newEmail });
      await created.waitFor({ state: 'visible', timeout: 15_000 });
      expect(await created.getAttribute('class')).toContain('unsaved');
      expect(await page.locator(ROW).count()).toBe(51);
      releasePost();
      expect(await page.locator(ROW).first().textContent()).toContain(newEmail);
      await expect.poll(async () => Number(await created.getAttribute('data-client-id')), { timeout: 30_000 }).toBeGreaterThan(0);

      // Load more appends the next 50.
      await page.getByRole('button', { name: 'Load more' }).click();
      await expect.poll(() => page.locator(ROW).count(), { timeout: 30_000 }).toBe(101);
      const ids = await page.locator(ROW).evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-client-id'))));
      expect(new Set(ids).size).toBe(101);

      // Sign out is in the account menu (a Radix dropdown: its items are menu items).
      await page.getByRole('button', { name: 'Account menu' }).first().click();
      await page.getByRole('menuitem', { name: 'Sign out' }).click();
      await page.waitForURL(/\/sign-in/);
      await page.goto('/dashboard');
      expect(page.url()).toBe(`${baseUrl}/sign-in?next=%2Fdashboard`);
      expect((await context.cookies()).filter((c) => c.name.endsWith('FUSE_SESSION'))).toEqual([]);
    } finally {
      await context.close();
    }
  }, 300_000);

  it('the first HTML of /dashboard/clients already holds the first client rows', async () => {
    const signIn = await fetch(`${baseUrl}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(DEMO_CAPTAIN),
    });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers
      .getSetCookie()
      .find((c) => c.startsWith('FUSE_SESSION='))!
      .split(';')[0]!;
    const res = await fetch(`${baseUrl}/dashboard/clients`, { headers: { cookie }, redirect: 'manual' });
    expect(res.status).toBe(200);
    const html = await res.text();
    const rows = html.match(/<tr[^>]*data-client-id="\d+"/g) ?? [];
    expect(rows.length).toBe(50);
    expect(html).toMatch(/@example\.com/);
    expect(html).not.toMatch(/No clients match/);
  });

  it('makes no request for data before the rows are visible', async () => {
    const { context, page } = await signedInAsDemoCaptain();
    try {
      // Marks the moment the first row enters the DOM (the page's own clock, epoch ms).
      await page.addInitScript(() => {
        const w = window as unknown as { __rowsAt?: number };
        const check = () => {
          if (!w.__rowsAt && document.querySelector('tr[data-client-id]')) w.__rowsAt = Date.now();
        };
        new MutationObserver(check).observe(document, { childList: true, subtree: true });
        check();
      });
      const requests: { url: string; type: string; rsc: boolean; seenAt: number; request: Request }[] = [];
      page.on('request', (request) => {
        const headers = request.headers();
        const rsc = 'rsc' in headers || 'next-router-state-tree' in headers || request.url().includes('_rsc=');
        requests.push({ url: request.url(), type: request.resourceType(), rsc, seenAt: Date.now(), request });
      });
      await page.goto('/dashboard/clients', { waitUntil: 'commit' });
      await page.locator(ROW).first().waitFor({ state: 'visible' });
      const visibleCount = await page.locator(ROW).count();
      expect(visibleCount).toBe(50);
      await page.waitForLoadState('load');
      const rowsAt = await page.evaluate(() => (window as unknown as { __rowsAt?: number }).__rowsAt);
      expect(rowsAt).toEqual(expect.any(Number));

      // Every request the browser started before the rows were in the DOM.
      const before: typeof requests = [];
      for (const r of requests) {
        const timing = r.request.timing();
        // Playwright's start time (epoch ms); for a request still open, when we heard of it (later
        // than it started, so never earlier than the truth).
        const started = timing.startTime > 0 ? timing.startTime : r.seenAt;
        if (started <= rowsAt!) before.push(r);
      }
      // The document itself is among them (the recording works) …
      expect(before.some((r) => r.type === 'document' && r.url.endsWith('/dashboard/clients'))).toBe(true);
      // … and nothing that fetches data is.
      const data = before.filter((r) => r.url.includes('/api/') || r.rsc || ['fetch', 'xhr', 'eventsource', 'websocket'].includes(r.type));
      expect(data.map((r) => `${r.type} ${r.url}`)).toEqual([]);
      // No request to the clients API at all while the page loads (the rows came with the HTML).
      expect(requests.filter((r) => r.url.includes('/api/clients'))).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('rolls back an optimistic create the server refuses and shows the error', async () => {
    const { context, page } = await signedInAsDemoCaptain();
    try {
      await page.goto('/dashboard/clients');
      await page.locator(ROW).first().waitFor();
      const countBefore = await page.locator(ROW).count();
      const takenEmail = (await page.locator(`${ROW} td[data-label="Email"]`).first().textContent())!.trim();
      expect(takenEmail).toMatch(/@/);

      // Hold the POST until the optimistic row has been seen.
      const release = await holdClientPosts(page);

      const form = page.getByRole('form', { name: 'Add client' });
      await form.getByLabel('First name').fill('Dupe');
      await form.getByLabel('Last name').fill('Licate');
      await form.getByLabel('Email').fill(takenEmail.toUpperCase());
      await form.getByRole('button', { name: 'Add client' }).click();

      const optimistic = page.locator(`${ROW}.unsaved`, { hasText: 'Dupe Licate' });
      await optimistic.waitFor({ state: 'visible', timeout: 15_000 });
      expect(await page.locator(ROW).count()).toBe(countBefore + 1);
      release();

      // (Next.js also renders an empty role=alert route announcer, so pick the error by its text.)
      const alert = page.getByRole('alert').filter({ hasText: /already exists/ });
      await alert.waitFor({ state: 'visible' });
      expect(await alert.textContent()).toMatch(/email already exists/);
      await expect.poll(() => page.locator(ROW, { hasText: 'Dupe Licate' }).count(), { timeout: 30_000 }).toBe(0);
      expect(await page.locator(ROW).count()).toBe(countBefore);
    } finally {
      await context.close();
    }
  });
});
