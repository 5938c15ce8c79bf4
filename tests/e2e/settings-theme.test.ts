import { describe, expect, inject, it } from 'vitest';
import { signUp } from './live-helpers';
import { call, cookieOf } from './ranks-helpers';

const baseUrl = inject('baseUrl');

describe('settings over HTTP', () => {
  it('keeps the theme in the session: the first HTML after a change is already dark', async () => {
    const cookie = await signUp(baseUrl, 'theme');
    expect(await (await call(baseUrl, cookie, 'GET', '/dashboard')).text()).toContain('data-theme="light"');
    const res = await call(baseUrl, cookie, 'PATCH', '/api/settings', { theme: 'dark', name: 'Theo Dark' });
    expect(res.status).toBe(200);
    const fresh = cookieOf(res);
    expect(fresh).not.toBe(cookie);
    const html = await (await call(baseUrl, fresh, 'GET', '/dashboard/settings')).text();
    expect(html).toContain('data-theme="dark"');
    expect(html).toContain('Theo Dark');
    // The choice is kept with the user: a new sign-in gets it too.
    const settings = (await (await call(baseUrl, fresh, 'GET', '/api/settings')).json()) as { profile: { theme: string } };
    expect(settings.profile.theme).toBe('dark');
  });

  it('keeps "system" (the device decides, nothing in the HTML pins a colour) and refuses any other theme', async () => {
    let cookie = await signUp(baseUrl, 'theme');
    const res = await call(baseUrl, cookie, 'PATCH', '/api/settings', { theme: 'system' });
    expect(res.status).toBe(200);
    cookie = cookieOf(res);
    const html = await (await call(baseUrl, cookie, 'GET', '/dashboard')).text();
    expect(html).toContain('data-theme="system"');
    expect(html).not.toContain('data-theme="light"');
    for (const theme of ['purple', 'DARK', '', ' dark', '"><script>alert(1)</script>', 1, null, ['dark'], { dark: true }]) {
      const bad = await call(baseUrl, cookie, 'PATCH', '/api/settings', { theme });
      expect(bad.status, JSON.stringify(theme)).toBe(400);
      expect(((await bad.json()) as { fields: Record<string, string> }).fields).toHaveProperty('theme');
    }
    const settings = (await (await call(baseUrl, cookie, 'GET', '/api/settings')).json()) as { profile: { theme: string } };
    expect(settings.profile.theme).toBe('system');
  });

  it('changes the business name and time zone for a captain, and rejects an unknown zone', async () => {
    const cookie = await signUp(baseUrl, 'theme');
    const ok = await call(baseUrl, cookie, 'PATCH', '/api/settings', { businessName: 'Theme Co Renamed', timezone: 'America/New_York' });
    expect(ok.status).toBe(200);
    expect(await (await call(baseUrl, cookie, 'GET', '/dashboard')).text()).toContain('Theme Co Renamed');
    const bad = await call(baseUrl, cookie, 'PATCH', '/api/settings', { timezone: 'Nowhere/Land' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { fields: Record<string, string> }).fields).toHaveProperty('timezone');
  });
});
