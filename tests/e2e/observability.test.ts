import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { drizzle } from 'drizzle-orm/node-postgres';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo, DEMO } from '../../src/cli/demo-data';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../src/fuse/db/embedded';
import { migrateDatabase } from '../../src/fuse/db/migrate';
import { type AppRoute, routesFromAppDir, routesFromManifest } from '../../src/fuse/observability/route-table';
import { startAppServer, TEST_DIST_DIR, type AppServer } from '../setup/app-server';
import { launchBrowser } from '../setup/browser';

/**
 * Observability against a production server of its own: its own embedded database (stopped at the
 * end for the readiness check) and a local HTTP receiver standing in for Sentry's ingest URL.
 */
type Received = { url: string; body: string; event: Record<string, unknown> | null };
const received: Received[] = [];
let receiver: http.Server;
let db: EmbeddedDatabase;
let app: AppServer;
const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';
const ROOT = path.resolve(__dirname, '../..');
let captainCookie = '';
let admiralCookie = '';
/** The scale-target numbers counted directly in the database before the server starts. */
let expected = { users: 0, paying: 0, joins: 0 };

function sentryEvents() {
  return received.filter((r) => r.event !== null);
}

async function signIn(email: string): Promise<string> {
  const res = await fetch(`${app.url}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: app.url },
    body: JSON.stringify({ email, password: DEMO.password }),
  });
  expect(res.status).toBe(200);
  const cookie = res.headers.getSetCookie().find((c) => c.includes('FUSE_SESSION='));
  return cookie!.split(';')[0]!;
}

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${app.url}${path}`, { headers, redirect: 'manual' });

async function until<T>(read: () => Promise<T | null | undefined | false>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      // An envelope: header line, item header line, payload line.
      const lines = body.split('\n');
      const itemHeader = lines[1] ? (JSON.parse(lines[1]) as { type?: string }) : {};
      received.push({ url: req.url ?? '', body, event: itemHeader.type === 'event' ? (JSON.parse(lines[2]!) as Record<string, unknown>) : null });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const sentryPort = (receiver.address() as AddressInfo).port;

  db = await startEmbeddedDatabase('memory://');
  await migrateDatabase(db.url);
  const pool = new pg.Pool({ connectionString: db.url, max: 1 });
  const d = drizzle({ client: pool });
  await seedDemo(d);
  const [base] = (
    await d.execute(sql`select (select count(*) from users)::int as users,
      (select count(distinct business_id) from subscriptions where plan <> 'free' and status = 'active')::int as paying,
      (select count(*) from users where created_at >= date_trunc('month', now()))::int as joins`)
  ).rows as { users: number; paying: number; joins: number }[];
  // On top of the demo: 5 users this month, 3 four months ago; 2 active pro plans, 1 canceled, 1 free.
  await d.execute(
    sql`insert into users (email, name, password_hash) select 'new' || g || '@scale.test', 'New ' || g, 'x' from generate_series(1, 5) g`,
  );
  await d.execute(sql`insert into users (email, name, password_hash, created_at)
    select 'old' || g || '@scale.test', 'Old ' || g, 'x', date_trunc('month', now()) - interval '4 months' + interval '3 days' from generate_series(1, 3) g`);
  await d.execute(sql`with b as (insert into businesses (name) select 'Biz ' || g from generate_series(1, 4) g returning id, name)
    insert into subscriptions (business_id, plan, status, current_period_end)
    select id, case name when 'Biz 4' then 'free' else 'pro' end, case name when 'Biz 3' then 'canceled' else 'active' end, now() + interval '30 days' from b`);
  expected = { users: base!.users + 8, paying: base!.paying + 2, joins: base!.joins + 5 };
  await pool.end();

  app = await startAppServer({
    FUSE_EMBEDDED_DATABASE_URL: db.url,
    FUSE_ALLOW_EMBEDDED: '1',
    DATABASE_URL: '',
    RATE_LIMIT_MAX: '100000',
    AUTH_RATE_LIMIT_MAX: '1000',
    AUTH_ACCOUNT_RATE_LIMIT_MAX: '1000',
    SENTRY_DSN: `http://publickey@127.0.0.1:${sentryPort}/42`,
    METRICS_TOKEN,
    VITALS_SAMPLE_RATE: '1',
    LOG_LEVEL: 'info',
    // Beacon budgets of its own when a shared Redis is configured (the suite's other server sends beacons too).
    REDIS_PREFIX: `${process.env.REDIS_PREFIX ?? 'fuse-test:'}observability-${process.pid}:`,
  });
  captainCookie = await signIn(DEMO.captain.email);
  admiralCookie = await signIn(DEMO.admiral.email);
});

afterAll(async () => {
  await app?.stop();
  await db?.stop();
  await new Promise((r) => receiver?.close(r));
});

describe('observability (own server)', () => {
  it('/api/health answers without dependencies, uncached, with a request id', async () => {
    const res = await get('/api/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    expect(res.headers.get('cache-control')).toContain('no-store');
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('/api/metrics needs the bearer token or an admiral session', async () => {
    expect((await get('/api/metrics')).status).toBe(401);
    expect((await get('/api/metrics', { Authorization: 'Bearer wrong-token' })).status).toBe(401);
    expect((await get('/api/metrics', { Cookie: captainCookie })).status).toBe(401);
    const byToken = await get('/api/metrics', { Authorization: `Bearer ${METRICS_TOKEN}` });
    expect(byToken.status).toBe(200);
    expect(byToken.headers.get('content-type')).toContain('text/plain');
    expect((await get('/api/metrics', { Cookie: admiralCookie })).status).toBe(200);
  });

  it('/api/metrics reports requests, session reads, queries by name, streams, rate limits, vitals and the process', async () => {
    expect((await get('/api/clients', { Cookie: captainCookie })).status).toBe(200);
    const dashboard = await get('/dashboard', { Cookie: captainCookie });
    expect(dashboard.status).toBe(200);
    await dashboard.text();
    const text = await (await get('/api/metrics', { Authorization: `Bearer ${METRICS_TOKEN}` })).text();
    expect(text).toMatch(/fuse_http_request_duration_seconds_count\{route="\/api\/clients",method="GET",status="200"\} [1-9]/);
    // Pages are timed at the HTTP server (route handlers time themselves).
    expect(text).toMatch(/fuse_http_request_duration_seconds_count\{route="\/dashboard",method="GET",status="200"\} [1-9]/);
    expect(text).toMatch(/fuse_session_read_seconds_count\{outcome="session"\} [1-9]/);
    expect(text).toMatch(/fuse_db_query_duration_seconds_count\{query="clients.listPage",ok="true"\} [1-9]/);
    // A page's data-layer call counts too (the hook is installed in the page's bundle as well).
    expect(text).toMatch(/fuse_db_query_duration_seconds_count\{query="clients.summary",ok="true"\} [1-9]/);
    expect(text).toContain('# TYPE fuse_slow_queries_total counter');
    expect(text).toContain('# TYPE fuse_rate_limited_total counter');
    expect(text).toMatch(/fuse_live_streams_open 0/);
    expect(text).toContain('# TYPE fuse_web_vital_seconds histogram');
    expect(text).toMatch(/fuse_process_cpu_user_seconds_total \d/);
  });

  it('the build serves exactly the routes in src/app: the route table metric labels come from', () => {
    const manifest = JSON.parse(readFileSync(path.join(ROOT, TEST_DIST_DIR, 'app-path-routes-manifest.json'), 'utf8')) as Record<string, string>;
    const key = (r: AppRoute) => `${r.kind} ${r.pattern}`;
    expect(routesFromManifest(manifest).map(key).sort()).toEqual(routesFromAppDir(path.join(ROOT, 'src/app')).map(key).sort());
  });

  it('random paths, client ids and vitals pages add no metric series and no stored page', async () => {
    const token = () => `zz${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const tokens: string[] = [];
    const flood = async (rounds: number) => {
      for (let i = 0; i < rounds; i++) {
        const t = [token(), token(), token(), token(), token(), token()];
        tokens.push(...t);
        await Promise.all([
          get(`/${t[0]}`).then((r) => r.text()),
          get(`/${t[1]}/`).then((r) => r.text()),
          get(`/dashboard/${t[2]}`).then((r) => r.text()),
          get(`/api/clients/${t[3]}`).then((r) => r.text()),
          get(`/api/clients/${t[4]}`, { Cookie: captainCookie }).then((r) => r.text()),
          fetch(`${app.url}/api/vitals`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Origin: app.url },
            body: JSON.stringify([
              { name: 'LCP', value: 1200, page: `/${t[5]}` },
              { name: 'CLS', value: 0.01, page: `/dashboard/clients/${t[5]}` },
              { name: 'custom_timing', value: 5, page: `/api/${t[5]}` },
            ]),
          }).then((r) => expect(r.status).toBe(204)),
        ]);
      }
    };
    const metricsText = async () => (await get('/api/metrics', { Authorization: `Bearer ${METRICS_TOKEN}` })).text();
    // The series these requests can reach: request timings by route, web vitals by page, rate limits.
    const series = (text: string) => text.split('\n').filter((l) => /^fuse_(http_request|web_vital|rate_limited)/.test(l)).length;

    await flood(1);
    const before = series(await metricsText());
    await flood(20);
    const text = await metricsText();
    expect(series(text)).toBe(before);
    expect(text).toContain('route="other"');
    expect(text).toContain('route="/api/clients/[id]"');
    expect(text).toMatch(/fuse_web_vital_seconds_count\{name="LCP",page="other"\} [1-9]/);
    for (const t of tokens) expect(text).not.toContain(t);

    // Stored measurements name known pages only: every random page became `other`.
    const html = await (await get('/dashboard/admin', { Cookie: admiralCookie })).text();
    expect(html).toContain('data-vital-page="other"');
    for (const t of tokens) expect(html).not.toContain(t);
  });

  it('the operations page is a 404 for a captain and shows the scale-target numbers to an admiral', async () => {
    const asCaptain = await get('/dashboard/admin', { Cookie: captainCookie });
    expect(asCaptain.status).toBe(404);
    expect(await (await get('/dashboard', { Cookie: captainCookie })).text()).not.toContain('href="/dashboard/admin"');

    const res = await get('/dashboard/admin', { Cookie: admiralCookie });
    expect(res.status).toBe(200);
    const html = await res.text();
    const value = (id: string) => Number(new RegExp(`data-scale="${id}"[\\s\\S]*?data-value="(\\d+)"`).exec(html)?.[1]);
    // The demo's numbers plus 8 users (5 this month) and 2 active pro plans (1 canceled, 1 free).
    expect(value('users')).toBe(expected.users);
    expect(value('paying')).toBe(expected.paying);
    expect(value('joins')).toBe(expected.joins);
    // The 12-month chart is in the first HTML: this month's joins, and the 3 users of four months ago.
    const bars = [...html.matchAll(/data-bar="(\d{4}-\d{2})" data-value="(\d+)"/g)].map((m) => Number(m[2]));
    expect(bars).toHaveLength(12);
    expect(bars[11]).toBe(expected.joins);
    expect(bars[7]).toBe(3);
    expect(html).toContain('href="/dashboard/admin"');
  });

  it('a browser page load stores web vitals for its page', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const beacon = page.waitForRequest((r) => r.url().endsWith('/api/vitals') && r.method() === 'POST', { timeout: 30_000 });
      await page.goto(`${app.url}/sign-in`, { waitUntil: 'networkidle' });
      await beacon;
      // Hiding the page flushes the remaining vitals (LCP, CLS); give the beacons time to leave.
      await page.goto('about:blank');
      await page.waitForTimeout(1_000);
    } finally {
      await browser.close();
    }
    let html = '';
    const samples = await until(async () => {
      html = await (await get('/dashboard/admin', { Cookie: admiralCookie })).text();
      const found = [...html.matchAll(/data-vital-page="\/sign-in" data-vital-name="(\w+)" data-samples="(\d+)"/g)].filter((m) => Number(m[2]) > 0);
      return found.length > 0 ? found.length : null;
    }, 15_000).catch(() => {
      throw new Error(`no vitals for /sign-in; vitals section: ${/Web vitals[\s\S]{0,600}/.exec(html)?.[0]}\nserver: ${app.output().slice(-3000)}`);
    });
    expect(samples).toBeGreaterThanOrEqual(1);
  });

  it('a browser error is stored by fingerprint and reaches Sentry once, without cookies or passwords', async () => {
    const before = sentryEvents().length;
    const cookieValue = captainCookie.split('=')[1]!;
    const report = {
      name: 'TypeError',
      message: 'checkout failed password=hunter2-secret for invoice 991',
      stack: 'TypeError: checkout failed\n    at pay (https://app/_next/static/chunks/app.js:1:2)',
      page: '/dashboard/clients',
    };
    const res = await fetch(`${app.url}/api/errors`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: app.url, Cookie: captainCookie, Authorization: 'Bearer not-for-sentry' },
      body: JSON.stringify(report),
    });
    expect(res.status).toBe(202);
    const { fingerprint } = (await res.json()) as { fingerprint: string };
    expect(fingerprint).toMatch(/^[0-9a-f]{32}$/);
    await until(async () => sentryEvents().length > before);
    await new Promise((r) => setTimeout(r, 500));
    const events = sentryEvents().slice(before);
    expect(events).toHaveLength(1);
    const event = events[0]!;
    expect(event.url).toContain('/api/42/envelope/');
    expect(event.url).toContain('sentry_key=publickey');
    expect(event.event!.fingerprint).toEqual([fingerprint]);
    expect(event.body).not.toContain('hunter2');
    expect(event.body).not.toContain(cookieValue);
    expect(event.body).not.toMatch(/FUSE_SESSION|not-for-sentry|cookie/i);

    // Same error again (another invoice number): the same group, count 2.
    await fetch(`${app.url}/api/errors`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: app.url },
      body: JSON.stringify({ ...report, message: report.message.replace('991', '992') }),
    });
    const html = await (await get('/dashboard/admin', { Cookie: admiralCookie })).text();
    expect(html).toContain(`data-fingerprint="${fingerprint}" data-count="2"`);
    expect(html).not.toContain('hunter2');

    expect((await fetch(`${app.url}/api/errors`, { method: 'POST', headers: { Origin: app.url }, body: '{"message":1}' })).status).toBe(400);
    expect((await fetch(`${app.url}/api/errors`, { method: 'POST', headers: { Origin: app.url }, body: 'x'.repeat(20_000) })).status).toBe(413);
  });

  it('browser error reports: one Sentry event per error a minute, 30 reports a minute per address, nothing stored past that', async () => {
    const sendError = (message: string) =>
      fetch(`${app.url}/api/errors`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: app.url },
        body: JSON.stringify({ name: 'Error', message, page: '/dashboard/finance' }),
      });
    // Errors are grouped ignoring ids and numbers: distinct errors need distinct words.
    const word = () =>
      randomUUID()
        .replace(/-/g, '')
        .replace(/[0-9a-f]/g, (c) => 'ghijklmnopqrstuv'[parseInt(c, 16)]!);
    // A broken page reported by three visits: counted three times, sent once.
    let before = sentryEvents().length;
    const repeated = `totals widget crashed ${word()}`;
    let fingerprint = '';
    for (let i = 0; i < 3; i++) {
      const res = await sendError(repeated);
      expect(res.status).toBe(202);
      fingerprint = ((await res.json()) as { fingerprint: string }).fingerprint;
    }
    await until(async () => sentryEvents().length > before);
    await new Promise((r) => setTimeout(r, 500));
    expect(
      sentryEvents()
        .slice(before)
        .filter((e) => (e.event!.fingerprint as string[])[0] === fingerprint),
    ).toHaveLength(1);
    expect(await (await get('/dashboard/admin', { Cookie: admiralCookie })).text()).toContain(`data-fingerprint="${fingerprint}" data-count="3"`);

    // A flood of distinct errors from one address: the budget runs out, the rest are refused unstored.
    before = sentryEvents().length;
    const flood: { status: number; message: string }[] = [];
    for (let i = 0; i < 40; i++) {
      const message = `flood ${word()}`;
      flood.push({ status: (await sendError(message)).status, message });
    }
    const accepted = flood.filter((f) => f.status === 202);
    const refused = flood.filter((f) => f.status === 429);
    expect(accepted.length + refused.length).toBe(40);
    expect(accepted.length).toBeLessThanOrEqual(30);
    expect(refused.length).toBeGreaterThanOrEqual(10);
    // Once refused, refused for the rest of the minute.
    expect(flood.findIndex((f) => f.status === 429)).toBe(accepted.length);
    await new Promise((r) => setTimeout(r, 1_000));
    const sent = sentryEvents()
      .slice(before)
      .map((e) => e.body);
    expect(sent).toHaveLength(accepted.length);
    const html = await (await get('/dashboard/admin', { Cookie: admiralCookie })).text();
    for (const f of refused) {
      expect(sent.some((b) => b.includes(f.message))).toBe(false);
      expect(html).not.toContain(f.message);
    }
  });

  it('with the database stopped: ready is 503, health 200, the API answers 503 with the request id in the log, a failed page is captured in Sentry', async () => {
    const ready = await get('/api/ready');
    expect(ready.status).toBe(200);
    expect(ready.headers.get('cache-control')).toContain('no-store');

    await db.stop();
    const down = await get('/api/ready');
    expect(down.status).toBe(503);
    expect(((await down.json()) as { checks: { database: { ok: boolean } } }).checks.database.ok).toBe(false);
    expect((await get('/api/health')).status).toBe(200);

    const before = sentryEvents().length;
    // An API read while the database is down: 503 with Retry-After (not a 500), logged with the
    // request id; not captured per request (an outage would flood the error tracker).
    const failed = await get('/api/clients', { Cookie: captainCookie });
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBeTruthy();
    const requestId = failed.headers.get('x-request-id')!;
    expect(requestId).toBeTruthy();
    const logged = await until(async () =>
      app
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => l.requestId === requestId && l.level === 'warn'),
    );
    expect(logged.msg).toBe('database unavailable: answered 503');

    // A page that fails to render reaches onRequestError (instrumentation.ts).
    await (await get('/dashboard', { Cookie: captainCookie })).text();
    await until(async () =>
      sentryEvents()
        .slice(before)
        .find((e) => e.event!.transaction === '/dashboard'),
    );
  });
});
