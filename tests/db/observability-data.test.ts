import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../setup/each-database';

// The slow-query threshold and the process logger must be in place before the data layer loads.
process.env.SLOW_QUERY_MS = '200';
const logLines: Record<string, unknown>[] = [];
let modules: {
  timed: typeof import('../../src/fuse/db/timed').timed;
  metrics: typeof import('../../src/fuse/observability/metrics');
  errors: typeof import('../../src/fuse/observability/errors');
  vitals: typeof import('../../src/fuse/observability/vitals');
  ops: typeof import('../../src/domains/operations/queries');
  NotFoundError: typeof import('../../src/fuse/http/errors').NotFoundError;
};

beforeAll(async () => {
  // Installed before logger.ts loads: it adopts the process's logger if one is already there.
  const { default: pino } = await import('pino');
  const destination = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  const { processSingleton } = await import('../../src/fuse/singleton');
  processSingleton('logger', () => pino({ level: 'warn', formatters: { level: (label) => ({ level: label }) } }, destination));
  modules = {
    timed: (await import('../../src/fuse/db/timed')).timed,
    metrics: await import('../../src/fuse/observability/metrics'),
    errors: await import('../../src/fuse/observability/errors'),
    vitals: await import('../../src/fuse/observability/vitals'),
    ops: await import('../../src/domains/operations/queries'),
    NotFoundError: (await import('../../src/fuse/http/errors')).NotFoundError,
  };
});

describeEachDatabase('observability data', ({ kind, db }) => {
  it('a query forced slow (pg_sleep) logs a warning with its name and is counted', async () => {
    const name = `test.sleepy.${kind}`;
    await modules.timed(name, () => db().execute(sql`select pg_sleep(0.3)`));
    await modules.timed(`test.quick.${kind}`, () => db().execute(sql`select 1`));
    const warning = logLines.find((l) => l.query === name);
    expect(warning).toMatchObject({ level: 'warn', msg: 'slow query', query: name });
    expect(warning!.durationMs as number).toBeGreaterThanOrEqual(200);
    expect(logLines.find((l) => l.query === `test.quick.${kind}`)).toBeUndefined();
    const text = await modules.metrics.metrics.registry.metrics();
    expect(text).toContain(`fuse_slow_queries_total{query="${name}"} 1`);
    expect(modules.metrics.slowestQueries(100).find((q) => q.name === name)?.slow).toBe(1);
  });

  it('groups errors by fingerprint with a count and last seen', async () => {
    const message = `invoice ${kind} 17 failed for password=hunter2`;
    const first = modules.errors.prepareError({
      source: 'server',
      name: 'Error',
      message,
      stack: 'Error\n    at run (a.js:1:2)',
      path: '/dashboard?x=1',
    });
    const second = modules.errors.prepareError({
      source: 'server',
      name: 'Error',
      message: message.replace('17', '18'),
      stack: 'Error\n    at run (a.js:9:9)',
      path: '/dashboard',
    });
    expect(second.fingerprint).toBe(first.fingerprint);
    await modules.errors.storeError(db(), first);
    await new Promise((r) => setTimeout(r, 20));
    await modules.errors.storeError(db(), second);
    const rows = (
      await db().execute(sql`select count, message, path, first_seen < last_seen as moved from error_groups where fingerprint = ${first.fingerprint}`)
    ).rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ count: 2, path: '/dashboard', moved: true });
    expect(String(rows[0]!.message)).not.toContain('hunter2');
  });

  it('stores web vitals per page and the operations page reads p75 per page', async () => {
    const page = '/dashboard/finance';
    expect(await modules.vitals.storeReportedVitals({ name: 'LCP', value: 1000, page, rating: 'good' }, db())).toBe(true);
    expect(
      await modules.vitals.storeReportedVitals(
        [100, 200, 300, 400].map((value) => ({ name: 'TTFB', value, page })),
        db(),
      ),
    ).toBe(true);
    expect(await modules.vitals.storeReportedVitals({ name: 'Bad Name!', value: 1, page }, db())).toBe(false);
    expect(await modules.vitals.storeReportedVitals({ name: 'LCP', value: -5, page }, db())).toBe(false);
    const admiral = { rank: 'admiral' as const, userId: 'x' };
    const { vitals, vitalSeries } = await modules.ops.webVitalsP75(db(), admiral);
    expect(vitals.find((v) => v.page === page && v.name === 'TTFB')).toMatchObject({ p75: 325, samples: 4 });
    expect(vitals.find((v) => v.page === page && v.name === 'LCP')).toMatchObject({ p75: 1000, samples: 1 });
    expect(vitalSeries.find((s) => s.page === page && s.name === 'TTFB')!.points).toHaveLength(1);
  });

  it('stores a reported path as the app page that serves it, any other path as `other`', async () => {
    const reported = ['/dashboard/finance/', '/dashboard/finance?tab=1', `/vitals-${kind}`, '/api/clients', `/dashboard/clients/${kind}`];
    expect(
      await modules.vitals.storeReportedVitals(
        reported.map((page) => ({ name: 'FCP', value: 50, page })),
        db(),
      ),
    ).toBe(true);
    const stored = (await db().execute<{ page: string }>(sql`select page from web_vitals where name = 'FCP' order by id`)).rows.map((r) => r.page);
    expect(stored.slice(-5)).toEqual(['/dashboard/finance', '/dashboard/finance', 'other', 'other', 'other']);
  });

  it('operations data is for admirals only; joins cover the last 12 months', async () => {
    await expect(modules.ops.operationsOverview(db(), { rank: 'captain', userId: 'x' })).rejects.toBeInstanceOf(modules.NotFoundError);
    await expect(modules.ops.scaleTotals(db(), { rank: 'commodore', userId: 'x' })).rejects.toBeInstanceOf(modules.NotFoundError);
    const overview = await modules.ops.operationsOverview(db(), { rank: 'admiral', userId: 'x' });
    expect(overview.joinsByMonth).toHaveLength(12);
    const now = new Date();
    expect(overview.joinsByMonth.at(-1)!.month).toBe(`${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`);
    expect(overview.totals.users).toBeGreaterThanOrEqual(overview.totals.joinsThisMonth);
  });
});
