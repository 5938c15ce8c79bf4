import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { financeSummary, listInvoices } from '@/domains/finance/queries';
import type { Database } from '@/fuse/db/client';
import { migrateDatabase } from '@/fuse/db/migrate';
import { createPostgresDatabase } from '../tests/setup/databases';

const CLIENTS = Number(process.env.CLIENTS ?? 20_000);
const PER_CLIENT = Number(process.env.PER_CLIENT ?? 12);

async function main() {
  const created = await createPostgresDatabase('postgres://127.0.0.1:5432/test', 'h6_bench');
  try {
    await migrateDatabase(created.url);
    const pool = new pg.Pool({ connectionString: created.url, max: 2 });
    const db = drizzle({ client: pool }) as Database;
    const t0 = performance.now();
    const { rows } = await pool.query(`insert into businesses (name) values ('Largest') returning id`);
    const bid = rows[0].id as string;
    await pool.query(`insert into clients (business_id, email, first_name, last_name, status)
      select $1, 'c' || g || '@example.com', 'First' || g, 'Last' || g, 'active' from generate_series(1, $2) g`, [bid, CLIENTS]);
    // Each client: PER_CLIENT invoices over the last 24 months; 80% paid, 12% sent, 5% overdue, 3% draft.
    await pool.query(`insert into invoices (business_id, client_id, number, amount_cents, currency, status, issued_on, due_on, paid_on)
      select $1, c.id, 'INV-' || c.id || '-' || k, 1000 + ((c.id * 7919 + k * 104729) % 500000),
        case when (c.id + k) % 50 = 0 then 'EUR' else 'USD' end,
        s.status, s.issued, s.issued + 30, case when s.status = 'paid' then least(current_date, s.issued + ((c.id + k) % 40)::int) end
      from clients c cross join generate_series(1, $2) k
      cross join lateral (select
         (current_date - ((c.id * 31 + k * 61) % 730)::int)::date as issued,
         case when (c.id * 13 + k * 7) % 100 < 80 then 'paid' when (c.id * 13 + k * 7) % 100 < 92 then 'sent' when (c.id * 13 + k * 7) % 100 < 97 then 'overdue' else 'draft' end as status) s
      where c.business_id = $1`, [bid, PER_CLIENT]);
    // Other businesses' rows around it, so the index ranges are real.
    await pool.query(`analyze`);
    const count = await pool.query(`select count(*)::int n, count(*) filter (where status='paid' and paid_on >= current_date - 365)::int paid12 from invoices where business_id = $1`, [bid]);
    console.log(`loaded ${count.rows[0].n} invoices (${count.rows[0].paid12} paid in the last year) for ${CLIENTS} clients in ${Math.round(performance.now() - t0)} ms`);
    const scope = { businessId: bid, rank: 'captain' as const, userId: bid };
    for (let i = 0; i < 20; i++) await financeSummary(db, scope);
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      const s = performance.now();
      await financeSummary(db, scope);
      times.push(performance.now() - s);
    }
    times.sort((a, b) => a - b);
    const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!.toFixed(1);
    console.log(`finance summary: p50 ${pct(50)} ms, p95 ${pct(95)} ms, p99 ${pct(99)} ms (n=200)`);
    const lt: number[] = [];
    for (let i = 0; i < 100; i++) {
      const s = performance.now();
      await listInvoices(db, scope, { status: 'overdue' });
      lt.push(performance.now() - s);
    }
    lt.sort((a, b) => a - b);
    console.log(`invoice list (overdue filter) p50 ${lt[50]!.toFixed(1)} ms p99 ${lt[98]!.toFixed(1)} ms`);
    const plan = await pool.query(`explain (analyze, buffers) with b as (select 1) select count(*) from invoices where business_id = $1 and status = 'paid' and paid_on >= current_date - 365`, [bid]);
    console.log(plan.rows.map((r) => r['QUERY PLAN']).join('\n'));
    await pool.end();
  } finally {
    await created.drop();
  }
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
