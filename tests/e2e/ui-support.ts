import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { cookieOf } from './ranks-helpers';

/** Screenshots for people to review: test-results/ui/<page>-<theme>-<width>.png. */
export const SHOT_DIR = path.resolve('test-results', 'ui');
mkdirSync(SHOT_DIR, { recursive: true });

const AXE_SOURCE = readFileSync(path.resolve('node_modules/axe-core/axe.min.js'), 'utf8');

/** A browser context signed in with `cookie` (a `NAME=value` pair). CSP is bypassed only so axe can be injected. */
export async function contextWith(browser: Browser, baseUrl: string, cookie: string | null): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: baseUrl, bypassCSP: true, viewport: { width: 1280, height: 800 } });
  await context.addInitScript(recordLayoutShifts);
  if (cookie) {
    const eq = cookie.indexOf('=');
    await context.addCookies([{ name: cookie.slice(0, eq), value: cookie.slice(eq + 1), url: baseUrl }]);
  }
  return context;
}

type Shift = { value: number; sources: string[] };
type ShiftWindow = Window & { __layoutShifts?: () => Shift[] };

/**
 * Runs in every document before its own scripts: records each layout shift the user did not cause
 * (the Layout Instability API, what CLS sums), with the elements that moved. `__layoutShifts()`
 * also takes the entries the observer has not delivered yet.
 */
function recordLayoutShifts() {
  const shifts: Shift[] = [];
  type Entry = PerformanceEntry & { value: number; hadRecentInput: boolean; sources?: { node?: Node | null }[] };
  const take = (entries: PerformanceEntryList) => {
    for (const entry of entries as Entry[]) {
      if (entry.hadRecentInput) continue;
      const sources = (entry.sources ?? []).map((s) => {
        const el = s.node instanceof Element ? s.node : s.node?.parentElement;
        return el ? `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${[...el.classList].slice(0, 3).join('.')}` : '?';
      });
      shifts.push({ value: entry.value, sources });
    }
  };
  const observer = new PerformanceObserver((list) => take(list.getEntries()));
  observer.observe({ type: 'layout-shift', buffered: true });
  (window as ShiftWindow).__layoutShifts = () => {
    take(observer.takeRecords());
    return shifts;
  };
}

/**
 * The layout shifts of the page so far, once it has settled: two animation frames after the browser
 * is idle, so hydration, fonts, charts and the first live connection have had their turn.
 */
export async function layoutShifts(page: Page): Promise<{ total: number; shifts: Shift[] }> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const settle = () =>
          requestAnimationFrame(() =>
            requestAnimationFrame(() => {
              const read = (window as ShiftWindow).__layoutShifts;
              if (!read) return reject(new Error('no layout-shift recorder in this page (contextWith installs it)'));
              const shifts = read();
              resolve({ total: shifts.reduce((sum, s) => sum + s.value, 0), shifts });
            }),
          );
        setTimeout(() => requestIdleCallback(settle, { timeout: 2000 }), 500);
      }),
  );
}

export type AxeViolation = { id: string; impact: string | null; help: string; nodes: { target: string[]; failureSummary?: string }[] };

/** axe-core on the page as it stands: WCAG 2.1 A and AA rules; returns the serious and critical violations. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** The page's colour scheme as the browser applies it to the document (what the theme decides). */
export function documentScheme(page: Page): Promise<{ scheme: string; background: string }> {
  return page.evaluate(() => {
    const root = getComputedStyle(document.documentElement);
    // light-dark() resolves against the used colour scheme: the body's background says which one won.
    return { scheme: root.colorScheme, background: getComputedStyle(document.body).backgroundColor };
  });
}

/** Relative luminance of an `rgb(r, g, b)` colour (0 black … 1 white). */
export function luminance(rgb: string): number {
  const [r, g, b] = (rgb.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((c) => {
    const v = Number(c) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/** Sets the signed-in user's theme over the API; returns the session cookie (re-minted when the theme changed). */
export async function setTheme(baseUrl: string, cookie: string, theme: 'light' | 'dark' | 'system'): Promise<string> {
  const res = await fetch(`${baseUrl}/api/settings`, {
    method: 'PATCH',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ theme }),
  });
  expect(res.status).toBe(200);
  return res.headers.getSetCookie().length > 0 ? cookieOf(res) : cookie;
}
