import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../setup/each-database';

/**
 * POST /api/errors as the route runs it (receiveBrowserError): limited per client address, then
 * sampled (BROWSER_ERRORS_SAMPLE_RATE) before a row is written or Sentry is called, and one Sentry
 * event per fingerprint a minute. Sentry is a local receiver.
 */
const sentryEvents: string[] = [];
let receiver: http.Server;
let browserErrors: typeof import('../../src/fuse/observability/browser-error');
let metrics: typeof import('../../src/fuse/observability/metrics').metrics;

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      sentryEvents.push(body);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  // Read by config() on first use: before the modules below load.
  process.env.SENTRY_DSN = `http://publickey@127.0.0.1:${(receiver.address() as AddressInfo).port}/7`;
  process.env.BROWSER_ERRORS_SAMPLE_RATE = '0.5';
  process.env.REDIS_PREFIX = `db-browser-errors-${process.pid}-${Date.now()}:`;
  browserErrors = await import('../../src/fuse/observability/browser-error');
  metrics = (await import('../../src/fuse/observability/metrics')).metrics;
});

afterAll(async () => {
  await new Promise((r) => receiver?.close(r));
});

const report = (message: string) =>
  new Request('http://fuse.test/api/errors', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'TypeError', message, stack: 'TypeError: x\n    at a (app.js:1:1)', page: '/dashboard/clients' }),
  });

describeEachDatabase('browser error reports', ({ kind, db }) => {
  const groupCount = async (fingerprint: string) =>
    (await db().execute<{ count: number }>(sql`select count from error_groups where fingerprint = ${fingerprint}`)).rows[0]?.count ?? 0;
  const rows = async () => Number((await db().execute<{ n: string }>(sql`select count(*) as n from error_groups`)).rows[0]!.n);
  let client = 0;
  const nextClient = () => `198.51.100.${++client}-${kind}`;

  it('a report sampled out writes no row and reaches no Sentry; one sampled in does both', async () => {
    const sampledOut = async () => (await metrics.browserErrorsSampledOut.get()).values[0]?.value ?? 0;
    const sampledOutBefore = await sampledOut();
    const rowsBefore = await rows();
    const eventsBefore = sentryEvents.length;
    const ip = nextClient();

    const dropped = await browserErrors.receiveBrowserError(report(`dropped ${kind}`), { client: ip, requestId: null, db: db(), random: () => 0.9 });
    expect(dropped).toEqual({ status: 202, fingerprint: null });
    expect(await rows()).toBe(rowsBefore);
    expect(sentryEvents.length).toBe(eventsBefore);
    expect(await sampledOut()).toBe(sampledOutBefore + 1);

    const kept = await browserErrors.receiveBrowserError(report(`kept ${kind}`), { client: ip, requestId: null, db: db(), random: () => 0.1 });
    expect(kept.status).toBe(202);
    const fingerprint = (kept as { fingerprint: string }).fingerprint;
    expect(fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(await groupCount(fingerprint)).toBe(1);
    expect(sentryEvents.length).toBe(eventsBefore + 1);
  });

  it('the same error from many reports is counted each time but sent to Sentry once', async () => {
    const eventsBefore = sentryEvents.length;
    let fingerprint = '';
    for (let i = 0; i < 4; i++) {
      const result = await browserErrors.receiveBrowserError(report(`checkout ${kind} failed for invoice ${100 + i}`), {
        client: nextClient(),
        requestId: null,
        db: db(),
        random: () => 0,
      });
      fingerprint = (result as { fingerprint: string }).fingerprint;
    }
    expect(await groupCount(fingerprint)).toBe(4);
    expect(sentryEvents.length).toBe(eventsBefore + 1);
    // Another error is another event.
    await browserErrors.receiveBrowserError(report(`another ${kind} failure`), { client: nextClient(), requestId: null, db: db(), random: () => 0 });
    expect(sentryEvents.length).toBe(eventsBefore + 2);
  });

  it('one client address gets 30 reports a minute; past that nothing is stored or sent', async () => {
    const ip = nextClient();
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      statuses.push(
        (
          await browserErrors.receiveBrowserError(report(`flood ${kind} ${crypto.randomUUID()}`), {
            client: ip,
            requestId: null,
            db: db(),
            random: () => 0,
          })
        ).status,
      );
    }
    expect(statuses.every((s) => s === 202)).toBe(true);
    const rowsBefore = await rows();
    const eventsBefore = sentryEvents.length;
    for (let i = 0; i < 5; i++) {
      const refused = await browserErrors.receiveBrowserError(report(`flood ${kind} ${crypto.randomUUID()}`), {
        client: ip,
        requestId: null,
        db: db(),
        random: () => 0,
      });
      expect(refused).toEqual({ status: 429, error: 'Too many error reports.' });
    }
    expect(await rows()).toBe(rowsBefore);
    expect(sentryEvents.length).toBe(eventsBefore);
    // Another address has its own budget.
    expect(
      (await browserErrors.receiveBrowserError(report(`other ${kind}`), { client: nextClient(), requestId: null, db: db(), random: () => 0 })).status,
    ).toBe(202);
  });
});
