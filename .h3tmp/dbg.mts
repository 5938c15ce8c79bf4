import { launchBrowser } from '../tests/setup/browser';
const base = 'http://127.0.0.1:3931';
const cookie = (await import('node:fs')).readFileSync('/tmp/h3/cookie', 'utf8').trim();
const browser = await launchBrowser();
const context = await browser.newContext({ baseURL: base });
await context.addCookies([{ name: cookie.split('=')[0]!, value: cookie.slice(cookie.indexOf('=') + 1), url: base }]);
const a = await context.newPage(); const b = await context.newPage();
for (const p of [a, b]) { p.on('console', (m) => console.log('console', m.type(), m.text())); p.on('pageerror', (e) => console.log('pageerror', e.message)); p.on('requestfinished', r => { if (r.url().includes('live')) console.log('live finished', r.url()); }); p.on('requestfailed', r => console.log('failed', r.url(), r.failure()?.errorText)); }
for (const p of [a, b]) { const live = p.waitForResponse((r) => r.url().includes('/api/live')); await p.goto('/dashboard/clients'); console.log('live status', (await live).status(), (await live).url()); }
const email = `dbg-${Date.now()}@example.com`;
await a.getByLabel('First name').fill('Rae'); await a.getByLabel('Last name').fill('O'); await a.getByLabel('Email').fill(email);
const saved = a.waitForResponse((r) => r.url().endsWith('/api/clients') && r.request().method() === 'POST');
await a.getByRole('button', { name: 'Add client' }).click();
console.log('saved', (await saved).status());
const t = Date.now();
try { await b.getByRole('cell', { name: email }).waitFor({ timeout: 5000 }); console.log('appeared after', Date.now() - t); } catch (e) { console.log('not appeared', String(e).slice(0, 200)); }
console.log(await b.locator('tr[data-client-id]').first().innerText());
await browser.close();
