import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser } from '../setup/browser';
import { signUpResponse } from './live-helpers';
import { call, cookieOf } from './ranks-helpers';
import { contextWith, documentScheme, luminance } from './ui-support';

/**
 * The auth pages (sign-in, sign-up, join, …) draw the theme the visitor chose in their first HTML:
 * the session's, or after sign-out the theme cookie's (set whenever the session is), else "system".
 * The theme cookie is attacker-controlled: only light, dark or system ever reach the page.
 */
const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

const AUTH_PAGES = ['/sign-in', '/sign-up', '/forgot-password', '/join?token=not-a-real-token', '/reset-password?token=x'];

async function signUp(): Promise<string> {
  const res = await signUpResponse(baseUrl, 'auth-theme');
  // Every new session also sets the theme cookie to the user's theme (light for a new user).
  expect(setCookie(res, 'FUSE_THEME')).toBe('light');
  return cookieOf(res);
}

/** The `data-theme` values a page's first HTML carries. */
async function themesOf(path: string, cookie: string | null): Promise<{ status: number; themes: string[]; html: string }> {
  const res = await call(baseUrl, cookie, 'GET', path);
  const html = await res.text();
  return { status: res.status, themes: [...html.matchAll(/data-theme="([^"]*)"/g)].map((m) => m[1]!), html };
}

/** The value of the named cookie among a response's Set-Cookies. */
function setCookie(res: Response, name: string): string | undefined {
  const header = res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  return header?.split(';')[0]!.slice(name.length + 1);
}

describe('auth pages in the chosen theme', () => {
  it('a signed-in user who chose dark sees /join dark in the first HTML; signed out, the theme cookie keeps it', async () => {
    const session = await signUp();
    const saved = await call(baseUrl, session, 'PATCH', '/api/settings', { theme: 'dark' });
    expect(saved.status).toBe(200);
    expect(setCookie(saved, 'FUSE_THEME')).toBe('dark');
    const dark = cookieOf(saved);

    // Signed in: the session's theme (the proxy sends a signed-in visitor of /sign-in to the dashboard).
    const join = await themesOf('/join?token=not-a-real-token', dark);
    expect(join.status).toBe(200);
    expect(join.themes).toEqual(['dark']);

    // Signed out: the theme cookie alone.
    const out = await call(baseUrl, dark, 'POST', '/api/auth/sign-out');
    expect(out.status).toBe(200);
    expect(setCookie(out, 'FUSE_THEME')).toBeUndefined();
    for (const path of AUTH_PAGES) {
      const page = await themesOf(path, 'FUSE_THEME=dark');
      expect(page.status, path).toBe(200);
      expect(page.themes, path).toEqual(['dark']);
    }
    expect((await themesOf('/sign-in', 'FUSE_THEME=light')).themes).toEqual(['light']);
    // No cookie: the device decides.
    expect((await themesOf('/sign-in', null)).themes).toEqual(['system']);
  });

  it('paints dark from the first HTML in a browser whose device is light (no flash)', async () => {
    const context = await contextWith(browser, baseUrl, 'FUSE_THEME=dark');
    const page = await context.newPage();
    await page.emulateMedia({ colorScheme: 'light' });
    try {
      // No script runs before the first paint decides: with JavaScript off the page is dark all the same.
      await context.route('**/*.js', (route) => route.abort());
      for (const path of ['/sign-in', '/join?token=not-a-real-token']) {
        await page.goto(path);
        const { scheme, background } = await documentScheme(page);
        expect(scheme, path).toContain('dark');
        expect(luminance(background), path).toBeLessThan(0.05);
      }
    } finally {
      await context.close();
    }
  });

  it('hostile theme cookies fall back to "system" and never reach the HTML', async () => {
    const hostile = [
      'dark"><script>alert(1)</script>',
      encodeURIComponent('dark"><script>alert(1)</script>'),
      'dark%22%20onload%3D%22alert(1)',
      'x'.repeat(3_000),
      'DARK',
      'blue',
      'dark,light',
      'dark-mode',
      '__proto__',
      'constructor',
    ];
    for (const value of hostile) {
      const page = await themesOf('/sign-in', `FUSE_THEME=${value}`);
      expect(page.status, value.slice(0, 40)).toBe(200);
      expect(page.themes, value.slice(0, 40)).toEqual(['system']);
      expect(page.html).not.toContain('<script>alert(1)');
      expect(page.html).not.toContain('onload="alert');
      expect(page.html).not.toContain('x'.repeat(100));
    }
    // A forged session cookie counts for nothing; the theme cookie beside it still decides.
    const forged = await themesOf('/join?token=x', 'FUSE_SESSION=eyJhbGciOiJIUzI1NiJ9.eyJ0aGVtZSI6ImRhcmsifQ.x; FUSE_THEME=light');
    expect(forged.themes).toEqual(['light']);
  });
});
