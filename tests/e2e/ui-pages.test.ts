import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser } from '../setup/browser';
import { call, DEMO_USERS, signInAs } from './ranks-helpers';
import { contextWith, documentScheme, layoutShifts, luminance, seriousViolations, setTheme, SHOT_DIR } from './ui-support';

/**
 * Every page, in the light and the dark theme, at desktop and phone width: no serious or critical
 * WCAG 2.1 A/AA violation (axe-core), the theme covers the whole document, nothing moves once drawn
 * (cumulative layout shift 0), no sideways scrolling at 375 px, and a screenshot of each into
 * test-results/ui for review.
 */
const baseUrl = inject('baseUrl');
let browser: Browser;

const THEMES = ['light', 'dark'] as const;
type Theme = (typeof THEMES)[number];

/** Public pages follow the device (system theme): the test emulates the device's setting. */
const PUBLIC_PAGES = [
  { name: 'home', path: '/' },
  { name: 'sign-in', path: '/sign-in' },
  { name: 'sign-up', path: '/sign-up' },
  { name: 'join-invalid', path: '/join?token=not-a-real-token' },
  { name: 'forgot-password', path: '/forgot-password' },
  // The one-time-link pages opened without their token say so; with one, they show their form.
  { name: 'reset-password-no-token', path: '/reset-password' },
  { name: 'reset-password', path: '/reset-password?token=not-a-real-token' },
  { name: 'verify-email-no-token', path: '/verify-email' },
  { name: 'confirm-email-no-token', path: '/confirm-email' },
  { name: 'revert-email-no-token', path: '/revert-email' },
  { name: 'revert-email', path: '/revert-email?token=not-a-real-token' },
];
/** `list`: the page's list rows, a table from md up and a stack of cards below it. */
type PageSpec = { name: string; path: string; list?: string };
const CAPTAIN_PAGES: PageSpec[] = [
  { name: 'overview', path: '/dashboard' },
  { name: 'clients', path: '/dashboard/clients', list: 'tr[data-client-id]' },
  { name: 'finance', path: '/dashboard/finance', list: 'tr[data-invoice-id]' },
  { name: 'team', path: '/dashboard/team', list: 'tr[data-member]' },
  { name: 'settings', path: '/dashboard/settings' },
  { name: 'security', path: '/dashboard/settings/security' },
  { name: 'billing', path: '/dashboard/settings/billing' },
  { name: 'test-checkout', path: '/dashboard/settings/billing/test-checkout?plan=pro' },
];
const ADMIRAL_PAGES: PageSpec[] = [{ name: 'operations', path: '/dashboard/admin', list: 'tr[data-revenue-month]' }];

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

/**
 * How the first row of a list is drawn: its display, the display of its table's header, and each
 * labelled cell's label as the ::before shows it (CSS `content`, quoted) next to its data-label.
 */
function rowLayout(page: Page, selector: string) {
  return page
    .locator(selector)
    .first()
    .evaluate((row) => {
      const table = row.closest('table')!;
      const header = table.querySelector('thead')!.getBoundingClientRect();
      return {
        row: getComputedStyle(row).display,
        rowHead: row.firstElementChild?.matches('th[scope="row"]') ?? false,
        headerVisible: header.width > 2 && header.height > 2,
        cells: [...row.querySelectorAll('td[data-label]')].map((td) => ({
          label: td.getAttribute('data-label'),
          shown: getComputedStyle(td, '::before').content,
        })),
      };
    });
}

async function checkPage(page: Page, name: string, url: string, theme: Theme, list?: string) {
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: width === 375 ? 812 : 800 });
    const res = await page.goto(url, { waitUntil: 'load' });
    expect(res?.status(), `${url} status`).toBeLessThan(400);
    await page.locator('h1').first().waitFor();
    // CLS 0: the first HTML is the page; hydration, charts and live data change no element's place.
    const cls = await layoutShifts(page);
    expect(cls.total, `${name} (${theme}, ${width} px) layout shifts: ${JSON.stringify(cls.shifts)}`).toBe(0);
    // The whole document is in the theme, not only the content area.
    const { scheme, background } = await documentScheme(page);
    expect(scheme, `${name} ${theme} colour scheme`).toContain(theme);
    const lum = luminance(background);
    if (theme === 'dark') expect(lum, `${name} dark background`).toBeLessThan(0.05);
    else expect(lum, `${name} light background`).toBeGreaterThan(0.8);
    if (width === 375) {
      const sizes = await page.evaluate(() => ({ scroll: document.scrollingElement!.scrollWidth, inner: window.innerWidth }));
      expect(sizes.scroll, `${name} at 375 px scrolls sideways`).toBeLessThanOrEqual(sizes.inner);
      if (list) {
        // A phone: each row is a card, its name first and every other cell saying its column.
        const layout = await rowLayout(page, list);
        expect(layout.row, `${name} row at 375 px`).toBe('block');
        expect(layout.rowHead).toBe(true);
        expect(layout.headerVisible, `${name} header row hidden on a phone`).toBe(false);
        expect(layout.cells.length).toBeGreaterThan(0);
        for (const cell of layout.cells) expect(cell.shown).toBe(`"${cell.label}"`);
      }
    } else {
      if (list) {
        const layout = await rowLayout(page, list);
        expect(layout.row, `${name} row at 1280 px`).toBe('table-row');
        expect(layout.headerVisible, `${name} header row at 1280 px`).toBe(true);
        for (const cell of layout.cells) expect(cell.shown, `${name}: no label inside a table cell`).toBe('none');
      }
      const violations = await seriousViolations(page);
      expect(violations, `${name} (${theme}) axe: ${JSON.stringify(violations, null, 1)}`).toEqual([]);
    }
    await page.screenshot({ path: path.join(SHOT_DIR, `${name}-${theme}-${width}.png`), fullPage: true });
  }
}

describe('the layout-shift check', () => {
  it('sees content pushed down after the first paint', async () => {
    const context = await contextWith(browser, baseUrl, null);
    const page = await context.newPage();
    try {
      await page.goto('/sign-in', { waitUntil: 'load' });
      expect((await layoutShifts(page)).total).toBe(0);
      // What a late banner or an unsized image does: everything below it moves.
      await page.evaluate(() => {
        const banner = document.createElement('div');
        banner.style.height = '200px';
        document.body.prepend(banner);
      });
      expect((await layoutShifts(page)).total).toBeGreaterThan(0);
    } finally {
      await context.close();
    }
  });
});

describe('every page in both themes', () => {
  for (const theme of THEMES) {
    it(`public pages follow the device's ${theme} setting`, async () => {
      const context = await contextWith(browser, baseUrl, null);
      const page = await context.newPage();
      await page.emulateMedia({ colorScheme: theme });
      try {
        for (const p of PUBLIC_PAGES) await checkPage(page, p.name, p.path, theme);
      } finally {
        await context.close();
      }
    });
  }

  for (const [who, pages] of [
    ['captain', CAPTAIN_PAGES],
    ['admiral', ADMIRAL_PAGES],
  ] as const) {
    it(`${who}'s dashboard pages in the light and the dark theme, and "system" following the device`, async () => {
      let cookie = await signInAs(baseUrl, DEMO_USERS[who]);
      const before = ((await (await call(baseUrl, cookie, 'GET', '/api/settings')).json()) as { profile: { theme: Theme | 'system' } }).profile.theme;
      try {
        for (const theme of THEMES) {
          cookie = await setTheme(baseUrl, cookie, theme);
          const context = await contextWith(browser, baseUrl, cookie);
          const page = await context.newPage();
          // The opposite device setting: the user's choice wins over it.
          await page.emulateMedia({ colorScheme: theme === 'dark' ? 'light' : 'dark' });
          try {
            for (const p of pages) await checkPage(page, p.name, p.path, theme, p.list);
          } finally {
            await context.close();
          }
        }
        // "system": the first HTML names no colour, the device decides (no script involved).
        cookie = await setTheme(baseUrl, cookie, 'system');
        const context = await contextWith(browser, baseUrl, cookie);
        const page = await context.newPage();
        try {
          for (const device of THEMES) {
            await page.emulateMedia({ colorScheme: device });
            await page.goto(pages[0]!.path);
            const { background } = await documentScheme(page);
            if (device === 'dark') expect(luminance(background)).toBeLessThan(0.05);
            else expect(luminance(background)).toBeGreaterThan(0.8);
          }
        } finally {
          await context.close();
        }
      } finally {
        await setTheme(baseUrl, cookie, before);
      }
    });
  }
});
