import { sql } from 'drizzle-orm';
import { beforeEach, expect, it } from 'vitest';
import { pruneObservability } from '../../src/fuse/observability/retention';
import { describeEachDatabase } from '../setup/each-database';

const LIMITS = { vitalsDays: 30, vitalsMaxRows: 1_000, errorsDays: 90, errorsMaxGroups: 1_000 };

describeEachDatabase('observability retention', ({ db, pool }) => {
  beforeEach(async () => {
    await db().execute(sql`delete from web_vitals`);
    await db().execute(sql`delete from error_groups`);
  });

  const vitalPages = async () => (await db().execute<{ page: string }>(sql`select page from web_vitals order by id`)).rows.map((r) => r.page);
  const groups = async () =>
    (await db().execute<{ fingerprint: string }>(sql`select fingerprint from error_groups order by fingerprint`)).rows.map((r) => r.fingerprint);

  it('deletes web vitals and error groups past their age, keeps recent ones', async () => {
    await db().execute(sql`insert into web_vitals (page, name, value, at) values
      ('/old', 'LCP', 1, now() - interval '31 days'),
      ('/edge', 'LCP', 1, now() - interval '29 days'),
      ('/new', 'LCP', 1, now())`);
    await db().execute(sql`insert into error_groups (fingerprint, source, name, message, first_seen, last_seen) values
      ('stale', 'browser', 'Error', 'm', now() - interval '200 days', now() - interval '91 days'),
      ('old-but-seen', 'browser', 'Error', 'm', now() - interval '200 days', now() - interval '1 day'),
      ('fresh', 'server', 'Error', 'm', now(), now())`);

    const result = await pruneObservability(db(), LIMITS);
    expect(result).toEqual({ ran: true, vitalsDeleted: 1, errorGroupsDeleted: 1 });
    expect(await vitalPages()).toEqual(['/edge', '/new']);
    expect(await groups()).toEqual(['fresh', 'old-but-seen']);
  });

  it('keeps at most the newest rows and the most recently seen groups', async () => {
    await db().execute(sql`insert into web_vitals (page, name, value) select '/p' || g, 'LCP', g from generate_series(1, 12) g`);
    await db().execute(sql`insert into error_groups (fingerprint, source, name, message, last_seen)
      select 'g' || lpad(g::text, 2, '0'), 'browser', 'Error', 'm', now() - make_interval(mins => g) from generate_series(1, 12) g`);

    const result = await pruneObservability(db(), { ...LIMITS, vitalsMaxRows: 5, errorsMaxGroups: 4 });
    expect(result).toEqual({ ran: true, vitalsDeleted: 7, errorGroupsDeleted: 8 });
    expect(await vitalPages()).toEqual(['/p8', '/p9', '/p10', '/p11', '/p12']);
    // The four seen last (g01 a minute ago … g04 four minutes ago).
    expect(await groups()).toEqual(['g01', 'g02', 'g03', 'g04']);
    // Under the limits nothing more goes.
    expect(await pruneObservability(db(), { ...LIMITS, vitalsMaxRows: 5, errorsMaxGroups: 4 })).toEqual({
      ran: true,
      vitalsDeleted: 0,
      errorGroupsDeleted: 0,
    });
  });

  it('skips the round while another instance holds the job', async (ctx) => {
    // PGlite serves one connection: a second session cannot hold the lock there.
    if (pool().options.max === 1) return ctx.skip();
    await db().execute(sql`insert into web_vitals (page, name, value, at) values ('/old', 'LCP', 1, now() - interval '31 days')`);
    const other = await pool().connect();
    try {
      await other.query('begin');
      await other.query('select pg_advisory_xact_lock($1)', [0x464f4253]);
      expect(await pruneObservability(db(), LIMITS)).toEqual({ ran: false, vitalsDeleted: 0, errorGroupsDeleted: 0 });
      await other.query('rollback');
    } finally {
      other.release();
    }
    expect((await pruneObservability(db(), LIMITS)).vitalsDeleted).toBe(1);
  });
});
