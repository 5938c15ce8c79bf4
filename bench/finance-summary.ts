/**
 * `node --conditions=react-server --import tsx bench/finance-summary.ts [--db fuse_scale] [--n 200] [--reference]`:
 * just the bench's "complex query" (the finance summary of the largest business), against an
 * already loaded scale-target database, without building or serving the app. Prints p50/p99 and the load.
 * `--reference` times the summary computed from the invoices table alone (the pre-totals query);
 * `--check` first compares both on the 20 largest businesses and 100 others, and stops on a difference.
 */
import { isDeepStrictEqual } from 'node:util';
import { loadavg } from 'node:os';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Database } from '../src/fuse/db/client';
import { financeSummary } from '../src/domains/finance/queries';
import { referenceFinanceSummary } from '../tests/db/finance-summary-reference';
import { stats } from './report';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const url = new URL(base);
url.pathname = `/${arg('--db') ?? 'fuse_scale'}`;
const n = Number(arg('--n') ?? 200);
const reference = process.argv.includes('--reference');
const summary = reference ? referenceFinanceSummary : financeSummary;

const pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
const db = drizzle({ client: pool }) as unknown as Database;
const [largest] = (await pool.query<{ id: string }>(`select business_id as id from invoices group by business_id order by count(*) desc limit 1`))
  .rows;
const scopeOf = (businessId: string) => ({ businessId, rank: 'captain' as const, userId: '00000000-0000-0000-0000-000000000000' });
const scope = scopeOf(largest!.id);
if (process.argv.includes('--check')) {
  const ids = (
    await pool.query<{ id: string }>(
      `(select business_id as id from invoices group by business_id order by count(*) desc limit 20)
       union (select id from businesses order by md5(id::text) limit 100)`,
    )
  ).rows.map((r) => r.id);
  for (const id of ids) {
    const [fast, ref] = [await financeSummary(db, scopeOf(id)), await referenceFinanceSummary(db, scopeOf(id))];
    if (!isDeepStrictEqual(fast, ref)) throw new Error(`business ${id}: the summary differs from the reference\n${JSON.stringify({ fast, ref })}`);
  }
  console.log(`checked ${ids.length} businesses: the summary equals the reference`);
}
for (let i = 0; i < 20; i++) await summary(db, scope);
const samples: number[] = [];
for (let i = 0; i < n; i++) {
  const t = process.hrtime.bigint();
  await summary(db, scope);
  samples.push(Number(process.hrtime.bigint() - t) / 1e6);
}
const s = stats(samples);
const load = loadavg()
  .map((x) => x.toFixed(2))
  .join(' ');
console.log(
  `finance summary${reference ? ' (reference, from invoices)' : ''}, business ${largest!.id}: n ${s.n}, p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms, mean ${s.mean.toFixed(2)} ms (load ${load})`,
);
await pool.end();
