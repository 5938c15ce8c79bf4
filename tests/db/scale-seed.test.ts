import { drizzle } from 'drizzle-orm/node-postgres';
import { beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { seedDemo, DEMO } from '../../src/cli/demo-data';
import { SCALE_EMAIL_DOMAIN, SCALE_PASSWORD, MONTH_DAYS, RECENT_MONTHS, scaleShape, seedScale, type ScaleResult } from '../../src/cli/scale-seed';
import { verifyPassword } from '../../src/fuse/auth/passwords';
import { describeEachDatabase } from '../setup/each-database';

const SCALE = 0.002;
const quiet = { progress: () => {} };

describeEachDatabase('scale-target seed', ({ pool }) => {
  let first: ScaleResult;
  const one = async (text: string, values: unknown[] = []) => Number((await pool().query<{ n: string }>(text, values)).rows[0]!.n);
  const scaleBusinesses = `select id from businesses where name like 'Scale %'`;

  beforeAll(async () => {
    await seedDemo(drizzle({ client: pool() }));
    first = await seedScale(pool(), { scale: SCALE, ...quiet });
  });

  it('loads the promised shape at a small scale factor', async () => {
    const shape = scaleShape(SCALE);
    expect(first.status).toBe('loaded');
    expect(await one(`select count(*) as n from users where email like $1`, [`%@${SCALE_EMAIL_DOMAIN}`])).toBe(100_000 * SCALE);
    expect(await one(`select count(*) as n from businesses where name like 'Scale %'`)).toBe(shape.businesses);
    // 10,000 × scale businesses pay; the others are on the free plan.
    expect(
      await one(`select count(*) as n from subscriptions where business_id in (${scaleBusinesses}) and plan <> 'free' and status = 'active'`),
    ).toBe(10_000 * SCALE);
    expect(await one(`select count(*) as n from subscriptions where business_id in (${scaleBusinesses}) and plan = 'free'`)).toBe(
      shape.freeBusinesses,
    );
    // Each of the last 12 months has ~1,000 × scale new users; everyone else joined before.
    for (let m = 0; m < RECENT_MONTHS; m++) {
      const joined = await one(
        `select count(*) as n from users where email like $1
           and created_at <= now() - ($2::int * interval '${MONTH_DAYS} days') and created_at > now() - ($3::int * interval '${MONTH_DAYS} days')`,
        [`%@${SCALE_EMAIL_DOMAIN}`, m, m + 1],
      );
      expect(joined, `month ${m}`).toBe(1_000 * SCALE);
    }
    expect(
      await one(`select count(*) as n from users where email like $1 and created_at <= now() - interval '${RECENT_MONTHS * MONTH_DAYS} days'`, [
        `%@${SCALE_EMAIL_DOMAIN}`,
      ]),
    ).toBe(100_000 * SCALE - RECENT_MONTHS * 1_000 * SCALE);
    // At least 1,000,000 × scale clients, skewed: most businesses small, the largest very large.
    const sizes = (
      await pool().query<{ n: number }>(
        `select count(c.id)::int as n from businesses b left join clients c on c.business_id = b.id where b.name like 'Scale %' group by b.id order by n`,
      )
    ).rows.map((r) => r.n);
    const total = sizes.reduce((a, b) => a + b, 0);
    expect(total).toBe(shape.totalClients);
    expect(total).toBeGreaterThanOrEqual(1_000_000 * SCALE);
    expect(sizes[Math.floor(sizes.length / 2)]!).toBeLessThan(50);
    expect(sizes[sizes.length - 1]!).toBeGreaterThanOrEqual(10_000);
    // Every scale-target user belongs to a business; each business has exactly one captain.
    expect(
      await one(`select count(*) as n from users u where u.email like $1 and not exists (select 1 from memberships m where m.user_id = u.id)`, [
        `%@${SCALE_EMAIL_DOMAIN}`,
      ]),
    ).toBe(0);
    expect(await one(`select count(*) as n from memberships where rank = 'captain' and business_id in (${scaleBusinesses})`)).toBe(shape.businesses);
  });

  it('generates ids the app accepts as UUIDs (session claims validate them)', async () => {
    const ids = await pool().query<{ u: string; b: string }>(
      `select m.user_id as u, m.business_id as b from memberships m join users u on u.id = m.user_id where u.email like $1 limit 50`,
      [`%@${SCALE_EMAIL_DOMAIN}`],
    );
    expect(ids.rows.length).toBeGreaterThan(0);
    for (const r of ids.rows) {
      expect(z.string().uuid().safeParse(r.u).success, r.u).toBe(true);
      expect(z.string().uuid().safeParse(r.b).success, r.b).toBe(true);
    }
  });

  it('shares one argon2id hash of the documented password across all scale-target users', async () => {
    const hashes = await pool().query<{ h: string }>(`select distinct password_hash as h from users where email like $1`, [
      `%@${SCALE_EMAIL_DOMAIN}`,
    ]);
    expect(hashes.rows).toHaveLength(1);
    expect(hashes.rows[0]!.h.startsWith('$argon2id$')).toBe(true);
    expect(await verifyPassword(hashes.rows[0]!.h, SCALE_PASSWORD)).toBe(true);
  });

  it('loads invoices into the finance table when it exists', async () => {
    const hasInvoices = (await pool().query<{ t: string | null }>(`select to_regclass('public.invoices') as t`)).rows[0]!.t !== null;
    if (!hasInvoices) {
      expect(first.counts.invoices).toBeNull();
      expect(first.invoicesNote).toMatch(/invoices table does not exist/);
      return;
    }
    expect(first.counts.invoices).toBe(first.shape.totalClients * first.shape.invoicesPerClient);
    expect(await one(`select count(*) as n from invoices where business_id in (${scaleBusinesses})`)).toBe(first.counts.invoices);
    // Paid invoices carry a paid date and only they do.
    expect(
      await one(`select count(*) as n from invoices where business_id in (${scaleBusinesses}) and (status = 'paid') <> (paid_on is not null)`),
    ).toBe(0);
  });

  it('is safe to re-run: a complete set is skipped, --force replaces it without duplicates', async () => {
    const again = await seedScale(pool(), { scale: SCALE, ...quiet });
    expect(again.status).toBe('skipped');
    expect(again.counts).toEqual(first.counts);

    const forced = await seedScale(pool(), { scale: SCALE, force: true, ...quiet });
    expect(forced.status).toBe('loaded');
    expect(forced.counts).toEqual(first.counts);
    // The client indexes are back after the load (dropped and rebuilt inside the transaction).
    const indexes = (await pool().query<{ name: string }>(`select indexname as name from pg_indexes where tablename = 'clients'`)).rows.map(
      (r) => r.name,
    );
    expect(indexes).toEqual(
      expect.arrayContaining(['clients_by_business', 'clients_by_email', 'clients_by_status', 'clients_business_email_unique']),
    );
    // Data that is not scale-target is never touched.
    expect(await one(`select count(*) as n from users where lower(email) = $1`, [DEMO.captain.email])).toBe(1);
  });

  it('replaces a set loaded at another scale', async () => {
    const smaller = await seedScale(pool(), { scale: SCALE / 2, ...quiet });
    expect(smaller.status).toBe('loaded');
    expect(smaller.counts.users).toBe(100_000 * (SCALE / 2));
    expect(await one(`select count(*) as n from users where email like $1`, [`%@${SCALE_EMAIL_DOMAIN}`])).toBe(100_000 * (SCALE / 2));
  });

  it('leaves the finance totals equal to a recount of the invoices, after loads and replacements', async () => {
    // Whatever the seed did before (load, force, another scale), per business and day: no row missing, extra or off.
    const mismatched = `
      select count(*) as n from (
        (select business_id, paid_on, currency, cents, invoices from finance_paid_days
         except select business_id, paid_on, currency, sum(amount_cents)::bigint, count(*)::int from invoices where status = 'paid' group by 1, 2, 3)
        union all
        (select business_id, paid_on, currency, sum(amount_cents)::bigint, count(*)::int from invoices where status = 'paid' group by 1, 2, 3
         except select business_id, paid_on, currency, cents, invoices from finance_paid_days)
        union all
        (select business_id, due_on, currency, cents, invoices from finance_unpaid_days
         except select business_id, due_on, currency, sum(amount_cents)::bigint, count(*)::int from invoices where status in ('sent', 'overdue') group by 1, 2, 3)
        union all
        (select business_id, due_on, currency, sum(amount_cents)::bigint, count(*)::int from invoices where status in ('sent', 'overdue') group by 1, 2, 3
         except select business_id, due_on, currency, cents, invoices from finance_unpaid_days)
      ) x`;
    expect(await one(`select count(*) as n from finance_paid_days where business_id in (${scaleBusinesses})`)).toBeGreaterThan(0);
    expect(await one(mismatched)).toBe(0);
  });
});
