import type { Browser } from 'playwright-core';
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

describe('where signing in leads (the sign-in page is the one user of safeNext)', () => {
  for (const next of ['/.//evil.example', '/a/..//evil.example', '/%2e//evil.example']) {
    it(`next=${next} lands on this origin, never on evil.example`, async () => {
      const context = await browser.newContext();
      // Nothing may leave for another origin; such a request is recorded and refused.
      const elsewhere: string[] = [];
      await context.route(
        (url) => url.origin !== new URL(baseUrl).origin,
        (route) => {
          elsewhere.push(route.request().url());
          return route.abort();
        },
      );
      const page = await context.newPage();
      try {
        await page.goto(`${baseUrl}/sign-in?next=${encodeURIComponent(next)}`);
        await page.waitForLoadState('networkidle');
        await page.getByLabel('Email').fill(DEMO_USERS.crew);
        await page.getByLabel('Password').fill(DEMO_PASSWORD);
        await Promise.all([page.waitForURL((url) => url.pathname !== '/sign-in'), page.getByRole('button', { name: 'Sign in' }).click()]);
        await page.waitForLoadState('load');
        expect(new URL(page.url()).origin).toBe(new URL(baseUrl).origin);
        expect(new URL(page.url()).pathname).toBe('/dashboard');
        expect(elsewhere).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
