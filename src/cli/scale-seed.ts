/**
 * The scale-target data set: the seed's 100,000 users, 10,000 paying businesses (plus free ones), about 1,000
 * new users in each of the last 12 months, over 1,000,000 clients skewed like real life, and invoices
 * when the finance domain's table exists. `npm run db:seed -- --scale-target [--scale 0.01] [--force]`.
 *
 * Speed: every row is generated on the server (`INSERT … SELECT … generate_series`), so nothing but
 * a few small arrays crosses the wire. The whole load is one transaction: a crash leaves nothing
 * behind, and a second run either finds the complete set (and skips) or replaces it.
 *
 * Passwords: ONE argon2id hash of `SCALE_PASSWORD` is computed and reused for every scale-target user, because
 * hashing 100,000 passwords at OWASP cost would take over an hour. Every user signs in with it.
 */
import type pg from 'pg';
import { hashPassword } from '@/fuse/auth/passwords';
import { FIRST_NAMES as FIRST, LAST_NAMES as LAST } from './demo-data';

export const SCALE_PASSWORD = 'scale-load-2026';
export const SCALE_EMAIL_DOMAIN = 'scale.fuse.dev';
/** Every scale-target business name starts with this, which is how a re-run finds (and replaces) the set. */
export const SCALE_BUSINESS_PREFIX = 'Scale ';
export const RECENT_MONTHS = 12;
/** A "month" of the join spread is this many days, counted back from the moment of the seed. */
export const MONTH_DAYS = 30;

/** The sizes of the largest tenants at full scale: the "few with 20,000+". */
const WHALES = [50_000, 45_000, 40_000, 35_000, 32_000, 29_000, 26_000, 24_000, 22_000, 20_000];

export type ScaleShape = {
  scale: number;
  users: number;
  payingBusinesses: number;
  freeBusinesses: number;
  businesses: number;
  monthlyJoins: number;
  /** Clients of business `ord` (0 = the largest; whales first, then the long tail). */
  clientsPerBusiness: number[];
  totalClients: number;
  /** Invoices per client, when the invoices table exists. */
  invoicesPerClient: number;
};

/** A small deterministic hash → [0, 1): the same data set on every machine and every run. */
function unit(n: number): number {
  let x = (n + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  x ^= x >>> 16;
  return (x >>> 0) / 4_294_967_296;
}

/**
 * The shape of the set at a scale factor (1 = the seed's scale-target numbers). Counts scale linearly; the
 * largest tenants keep at least a quarter of their size so that a small set still has a business
 * with 200 pages of clients (keyset page 200) and the long tail stays long.
 */
export function scaleShape(scale = 1): ScaleShape {
  if (!(scale > 0 && scale <= 1)) throw new Error(`--scale must be in (0, 1], got ${scale}`);
  const users = Math.round(100_000 * scale);
  const payingBusinesses = Math.max(1, Math.round(10_000 * scale));
  const freeBusinesses = Math.max(1, Math.round(5_000 * scale));
  const businesses = payingBusinesses + freeBusinesses;
  const monthlyJoins = Math.max(1, Math.round(1_000 * scale));
  const whaleCount = Math.min(payingBusinesses, Math.max(1, Math.round(WHALES.length * scale)));
  const whaleScale = Math.max(scale, 0.25);
  const clientsPerBusiness: number[] = [];
  for (let ord = 0; ord < businesses; ord++) {
    if (ord < whaleCount) clientsPerBusiness.push(Math.round(WHALES[ord]! * whaleScale));
    else {
      // Long tail: most businesses have a handful of clients, some a few hundred (mean ≈ 52, median ≈ 7).
      const u = unit(ord);
      clientsPerBusiness.push(2 + Math.floor(350 * u ** 6));
    }
  }
  const totalClients = clientsPerBusiness.reduce((a, b) => a + b, 0);
  return {
    scale,
    users,
    payingBusinesses,
    freeBusinesses,
    businesses,
    monthlyJoins,
    clientsPerBusiness,
    totalClients,
    invoicesPerClient: 1,
  };
}

export function scaleUserEmail(ord: number): string {
  return `user${ord}@${SCALE_EMAIL_DOMAIN}`;
}

export type ScaleResult = {
  status: 'loaded' | 'skipped' | 'invoices-only';
  shape: ScaleShape;
  counts: { users: number; businesses: number; paying: number; clients: number; invoices: number | null };
  /** Why invoices were not loaded, when they were not. */
  invoicesNote: string | null;
  ms: number;
  steps: { name: string; ms: number; rows: number }[];
};

export type ScaleOptions = {
  scale?: number;
  /** Replace the set even when a complete one is found. */
  force?: boolean;
  /** Progress output (stderr by default); pass `() => {}` to silence. */
  progress?: (line: string, done: boolean) => void;
};

const TRADES = ['Harbor', 'Cedar', 'Foundry', 'Northwind', 'Bluewave', 'Dockside', 'Evergreen', 'Helix', 'Kestrel', 'Summit'];
/**
 * A deterministic id for generated row `key`: an md5 shaped as an RFC 4122 version-4 UUID (version
 * and variant bits set), so it passes every UUID validator the app applies (session claims too).
 */
const uuidOf = (key: string) => `overlay(overlay(md5(${key}) placing '4' from 13) placing '8' from 17)::uuid`;
const sqlArray = (xs: string[]) => `array[${xs.map((x) => `'${x}'`).join(',')}]`;

function stderrProgress(line: string, done: boolean) {
  // A one-line bar on a terminal, plain lines otherwise (CI logs). Written by hand: one line of
  // output does not need a progress library.
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${line}${done ? '\n' : ''}`);
  else if (done) process.stderr.write(`${line}\n`);
}

function bar(fraction: number, width = 24): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

type Queryable = pg.PoolClient;

async function count(c: Queryable, text: string, values: unknown[] = []): Promise<number> {
  const r = await c.query<{ n: string }>(text, values);
  return Number(r.rows[0]?.n ?? 0);
}

async function tableExists(c: Queryable, table: string): Promise<boolean> {
  const r = await c.query<{ t: string | null }>(`select to_regclass($1) as t`, [`public.${table}`]);
  return r.rows[0]?.t != null;
}

/**
 * A table's secondary indexes are dropped for a bulk load and rebuilt after it (a sorted build is
 * several times faster than a million inserts into five B-trees). Their definitions are read from
 * the catalogue, so they come back exactly as the migrations made them — inside the same
 * transaction, so nobody else ever sees the table without them.
 */
async function dropSecondaryIndexes(c: Queryable, table: string): Promise<() => Promise<number>> {
  const indexes = await c.query<{ name: string; def: string }>(
    `select i.indexname as name, i.indexdef as def from pg_indexes i
      where i.schemaname = 'public' and i.tablename = $1
        and not exists (select 1 from pg_constraint k where k.conname = i.indexname)`,
    [table],
  );
  for (const idx of indexes.rows) await c.query(`drop index if exists "${idx.name}"`);
  return async () => {
    for (const idx of indexes.rows) await c.query(idx.def);
    return indexes.rows.length;
  };
}

/**
 * Bulk-load settings, for the current transaction only. Skipping the per-row foreign-key triggers
 * is safe here because every key is generated from rows inserted just before; it needs a
 * superuser, so it is only done when the role is one.
 */
async function bulkLoadSettings(c: Queryable): Promise<{ triggersOff: boolean }> {
  await c.query(`set local synchronous_commit = off`);
  const superuser = await c.query<{ s: boolean }>(`select rolsuper as s from pg_roles where rolname = current_user`);
  const triggersOff = !!superuser.rows[0]?.s;
  if (triggersOff) await c.query(`set local session_replication_role = replica`);
  await c.query(`set local maintenance_work_mem = '256MB'`);
  return { triggersOff };
}

const SCALE_BUSINESS_IDS = `select id from businesses where name like '${SCALE_BUSINESS_PREFIX}%'`;

/**
 * The finance totals are kept by a trigger on invoices, which `session_replication_role = replica`
 * switches off: then, after writing or removing invoices, the seed recomputes them in one pass, in
 * its transaction. With the trigger on (not a superuser) they are already right.
 */
async function rebuildFinanceTotals(c: Queryable, { triggersOff }: { triggersOff: boolean }): Promise<void> {
  if (triggersOff) await c.query('select finance_rebuild_totals()');
}

async function currentCounts(c: Queryable) {
  const users = await count(c, `select count(*) as n from users where email like $1`, [`%@${SCALE_EMAIL_DOMAIN}`]);
  const businesses = await count(c, `select count(*) as n from businesses where name like $1`, [`${SCALE_BUSINESS_PREFIX}%`]);
  const paying = await count(
    c,
    `select count(distinct s.business_id) as n from subscriptions s where s.business_id in (${SCALE_BUSINESS_IDS})
       and s.plan <> 'free' and s.status = 'active'`,
  );
  const clients = await count(c, `select count(*) as n from clients where business_id in (${SCALE_BUSINESS_IDS})`);
  const invoices = (await tableExists(c, 'invoices'))
    ? await count(c, `select count(*) as n from invoices where business_id in (${SCALE_BUSINESS_IDS})`)
    : null;
  return { users, businesses, paying, clients, invoices };
}

/**
 * The invoices step. The finance domain owns the table; this step reads its columns and fills the
 * ones it knows (business, client, number, amount in cents, currency, status, dates). It activates
 * by itself once `invoices` exists, and explains itself when a required column is unknown to it.
 */
async function invoiceInsert(c: Queryable, perClient: number): Promise<{ sql: string } | { skip: string }> {
  if (!(await tableExists(c, 'invoices'))) {
    return { skip: 'the invoices table does not exist yet (finance domain): re-run `npm run db:seed -- --scale-target` once it does' };
  }
  const cols = await c.query<{
    column_name: string;
    is_nullable: string;
    column_default: string | null;
    is_generated: string;
    identity_generation: string | null;
    data_type: string;
  }>(
    `select column_name, is_nullable, column_default, is_generated, identity_generation, data_type
       from information_schema.columns where table_schema = 'public' and table_name = 'invoices'`,
  );
  // Expressions over the generated row `g` (client `c`, invoice index `k`, deterministic hash `h`).
  const status = `(case when g.h < 55 then 'paid' when g.h < 75 then 'sent' when g.h < 88 then 'overdue' else 'draft' end)`;
  // Overdue invoices were issued over 35 days ago (due after 30); the others any day of the last year.
  const issued = `(now() - (case when ${status} = 'overdue' then 35 + (g.h * 37 + g.k * 97) % 330 else (g.h * 37 + g.k * 97) % 365 end) * interval '1 day')`;
  const known: Record<string, string> = {
    business_id: 'g.business_id',
    client_id: 'g.client_id',
    number: `'SCALE-' || g.client_id || '-' || g.k`,
    invoice_number: `'SCALE-' || g.client_id || '-' || g.k`,
    amount_cents: `(1000 + (g.h * 7919 + g.k * 104729) % 500000)`,
    total_cents: `(1000 + (g.h * 7919 + g.k * 104729) % 500000)`,
    currency: `'USD'`,
    status,
    issued_at: issued,
    issue_date: issued,
    issued_on: issued,
    due_at: `${issued} + interval '30 days'`,
    due_date: `${issued} + interval '30 days'`,
    due_on: `${issued} + interval '30 days'`,
    paid_at: `(case when ${status} = 'paid' then ${issued} + ((g.h % 30) * interval '1 day') end)`,
    paid_on: `(case when ${status} = 'paid' then ${issued} + ((g.h % 30) * interval '1 day') end)`,
    created_at: issued,
    updated_at: issued,
  };
  const names: string[] = [];
  const exprs: string[] = [];
  for (const col of cols.rows) {
    if (col.is_generated === 'ALWAYS' || col.identity_generation === 'ALWAYS') continue;
    const expr = known[col.column_name];
    if (expr) {
      names.push(`"${col.column_name}"`);
      // Dates stored as `date` take the day; enum-like text columns take the text.
      exprs.push(col.data_type === 'date' ? `(${expr})::date` : expr);
    } else if (col.is_nullable === 'NO' && col.column_default === null && col.identity_generation === null) {
      return { skip: `invoices.${col.column_name} is required and this seed does not know how to fill it` };
    }
  }
  if (!names.includes('"business_id"')) return { skip: 'invoices has no business_id column' };
  const sql = `insert into invoices (${names.join(', ')})
    select ${exprs.join(', ')} from (
      select cl.business_id, cl.id as client_id, k, ((cl.id * 7919 + k * 31) % 100) as h
        from clients cl cross join generate_series(1, ${perClient}) k
       where cl.business_id = any($1::uuid[])
    ) g`;
  return { sql };
}

/** Loads (or replaces, or skips) the scale-target data set. Uses one connection of the pool. */
export async function seedScale(pool: pg.Pool, options: ScaleOptions = {}): Promise<ScaleResult> {
  const shape = scaleShape(options.scale ?? 1);
  const progress = options.progress ?? stderrProgress;
  const started = performance.now();
  const steps: ScaleResult['steps'] = [];
  const c = await pool.connect();
  let invoicesNote: string | null = null;
  try {
    const before = await currentCounts(c);
    // Same counts and the ids this version generates (a set from an older generator is replaced).
    const sameIds = await count(c, `select count(*) as n from users where id = ${uuidOf("'scale-user-0'")}`);
    const complete = sameIds === 1 && before.users === shape.users && before.businesses === shape.businesses && before.clients === shape.totalClients;
    if (complete && !options.force) {
      if (before.invoices === 0) {
        // The finance table arrived after the first load: add just the invoices.
        const plan = await invoiceInsert(c, shape.invoicesPerClient);
        if ('sql' in plan) {
          const t = performance.now();
          await c.query('begin');
          const load = await bulkLoadSettings(c);
          const ids = await c.query<{ id: string }>(SCALE_BUSINESS_IDS);
          const rebuild = await dropSecondaryIndexes(c, 'invoices');
          const r = await c.query(plan.sql, [ids.rows.map((x) => x.id)]);
          await rebuild();
          await rebuildFinanceTotals(c, load);
          await c.query('commit');
          await c.query('analyze invoices');
          steps.push({ name: 'invoices', ms: performance.now() - t, rows: r.rowCount ?? 0 });
          return { status: 'invoices-only', shape, counts: await currentCounts(c), invoicesNote: null, ms: performance.now() - started, steps };
        }
        invoicesNote = plan.skip;
      }
      return { status: 'skipped', shape, counts: before, invoicesNote, ms: performance.now() - started, steps };
    }

    const passwordHash = await hashPassword(SCALE_PASSWORD);
    const total = 7;
    let n = 0;
    const step = async (name: string, run: () => Promise<number>) => {
      n++;
      const t = performance.now();
      progress(`scale ${bar((n - 1) / total)} ${n}/${total} ${name}…`, false);
      const rows = await run();
      const ms = performance.now() - t;
      steps.push({ name, ms, rows });
      progress(`scale ${bar(n / total)} ${n}/${total} ${name}: ${rows.toLocaleString('en-US')} rows in ${(ms / 1000).toFixed(1)} s`, true);
    };

    await c.query('begin');
    const load = await bulkLoadSettings(c);

    await step('remove the previous scale-target set', async () => {
      if (before.businesses === 0 && before.users === 0) return 0;
      let removed = 0;
      if (await tableExists(c, 'invoices'))
        removed += (await c.query(`delete from invoices where business_id in (${SCALE_BUSINESS_IDS})`)).rowCount ?? 0;
      removed += (await c.query(`delete from clients where business_id in (${SCALE_BUSINESS_IDS})`)).rowCount ?? 0;
      removed += (await c.query(`delete from outbox where business_id in (${SCALE_BUSINESS_IDS})`)).rowCount ?? 0;
      removed += (await c.query(`delete from memberships where business_id in (${SCALE_BUSINESS_IDS})`)).rowCount ?? 0;
      removed += (await c.query(`delete from subscriptions where business_id in (${SCALE_BUSINESS_IDS})`)).rowCount ?? 0;
      removed += (await c.query(`delete from businesses where name like $1`, [`${SCALE_BUSINESS_PREFIX}%`])).rowCount ?? 0;
      removed += (await c.query(`delete from users where email like $1`, [`%@${SCALE_EMAIL_DOMAIN}`])).rowCount ?? 0;
      return removed;
    });

    const U = shape.users;
    const recentFrom = U - RECENT_MONTHS * shape.monthlyJoins;
    await step('users', async () => {
      const r = await c.query(
        `insert into users (id, email, name, password_hash, theme, created_at)
         select ${uuidOf("'scale-user-' || g")},
                'user' || g || '@${SCALE_EMAIL_DOMAIN}',
                (${sqlArray(FIRST)})[1 + g % 20] || ' ' || (${sqlArray(LAST)})[1 + (g / 20) % 20],
                $1,
                case when g % 5 = 0 then 'dark' else 'light' end,
                case when g >= $3 then
                  -- the last 12 months: exactly monthlyJoins users in each 30-day window
                  now() - (((($2::int - 1 - g) / $4::int) + 0.01 + 0.98 * ((g * 7919) % 1000) / 1000.0)::float8) * interval '${MONTH_DAYS} days'
                else
                  -- everyone else joined one to four years ago
                  now() - (${RECENT_MONTHS * MONTH_DAYS + 1} + (g * 7919) % 1080) * interval '1 day'
                end
           from generate_series(0, $2 - 1) g`,
        [passwordHash, U, recentFrom, shape.monthlyJoins],
      );
      return r.rowCount ?? 0;
    });

    const B = shape.businesses;
    await step('businesses and subscriptions', async () => {
      // Business `ord` is owned by user `ord` (an older user), and was created when they joined.
      const r = await c.query(
        `insert into businesses (id, name, timezone, created_at)
         select ${uuidOf("'scale-business-' || g")},
                '${SCALE_BUSINESS_PREFIX}' || (${sqlArray(TRADES)})[1 + g % 10] || ' ' || g,
                (array['UTC','Europe/Berlin','America/New_York','Asia/Tokyo'])[1 + g % 4],
                u.created_at
           from generate_series(0, $1 - 1) g join users u on u.id = ${uuidOf("'scale-user-' || g")}`,
        [B],
      );
      // Paying: ords below payingBusinesses (the largest tenants are among them, on the business plan:
      // past the pro plan's client limit); then free ones.
      const s = await c.query(
        `insert into subscriptions (business_id, plan, status, current_period_end, created_at, paid_since)
         select ${uuidOf("'scale-business-' || g")},
                case when g >= $2 then 'free' when g % 4 = 0 or g < $3 then 'business' else 'pro' end,
                'active',
                now() + (1 + g % 30) * interval '1 day',
                now() - (g % 365) * interval '1 day',
                case when g < $2 then now() - (g % 365) * interval '1 day' end
           from generate_series(0, $1 - 1) g`,
        [B, shape.payingBusinesses, shape.clientsPerBusiness.filter((n) => n > 10_000).length],
      );
      return (r.rowCount ?? 0) + (s.rowCount ?? 0);
    });

    await step('memberships', async () => {
      // Every user belongs to one business: the first B own one (captain), the rest are crew (one in
      // ten a commodore), spread over the businesses.
      const r = await c.query(
        `insert into memberships (business_id, user_id, rank, created_at)
         select ${uuidOf("'scale-business-' || case when g < $2 then g else (g - $2) % $2 end")},
                ${uuidOf("'scale-user-' || g")},
                case when g < $2 then 'captain' when g % 10 = 0 then 'commodore' else 'crew' end,
                now() - ((g * 13) % 365) * interval '1 day'
           from generate_series(0, $1 - 1) g`,
        [U, B],
      );
      return r.rowCount ?? 0;
    });

    let rebuildClientIndexes: () => Promise<number> = async () => 0;
    await step('clients', async () => {
      rebuildClientIndexes = await dropSecondaryIndexes(c, 'clients');
      const counts = shape.clientsPerBusiness;
      // Chunks of businesses, so the bar moves while a million rows go in.
      const chunks = 20;
      const per = Math.ceil(B / chunks);
      let inserted = 0;
      for (let from = 0; from < B; from += per) {
        const ords: number[] = [];
        const ns: number[] = [];
        for (let o = from; o < Math.min(B, from + per); o++) {
          ords.push(o);
          ns.push(counts[o]!);
        }
        const r = await c.query(
          `insert into clients (business_id, email, first_name, last_name, status, phone, company, notes, created_at, updated_at)
           select b.id,
                  lower(f.first) || '.' || lower(f.last) || '.' || s.i || '@client' || b.ord || '.example',
                  f.first, f.last,
                  case when s.h < 60 then 'active' when s.h < 80 then 'lead' when s.h < 92 then 'inactive' else 'archived' end,
                  '+1 555 ' || lpad((s.i % 10000)::text, 4, '0'),
                  case when s.i % 3 = 0 then (${sqlArray(TRADES)})[1 + s.i % 10] || ' Ltd' end,
                  null,
                  b.created_at + (now() - b.created_at) * (s.i::float8 / (b.n + 1)),
                  b.created_at + (now() - b.created_at) * (s.i::float8 / (b.n + 1))
             from (select x.ord, x.n, ${uuidOf("'scale-business-' || x.ord")} as id, bz.created_at
                     from unnest($1::int[], $2::int[]) as x(ord, n)
                     join businesses bz on bz.id = ${uuidOf("'scale-business-' || x.ord")}) b
             cross join lateral (select i, (i * 7919 + b.ord * 31) % 100 as h from generate_series(1, b.n) i) s
             cross join lateral (select (${sqlArray(FIRST)})[1 + s.i % 20] as first,
                                        (${sqlArray(LAST)})[1 + (s.i / 20 + b.ord) % 20] as last) f`,
          [ords, ns],
        );
        inserted += r.rowCount ?? 0;
        progress(
          `scale ${bar((n - 1 + inserted / shape.totalClients) / total)} ${n}/${total} clients: ${inserted.toLocaleString('en-US')} / ${shape.totalClients.toLocaleString('en-US')}`,
          false,
        );
      }
      return inserted;
    });

    await step('client indexes', () => rebuildClientIndexes());

    await step('invoices', async () => {
      const plan = await invoiceInsert(c, shape.invoicesPerClient);
      if ('skip' in plan) {
        invoicesNote = plan.skip;
        await rebuildFinanceTotals(c, load); // the previous set's invoices were removed
        return 0;
      }
      const ids = await c.query<{ id: string }>(SCALE_BUSINESS_IDS);
      const rebuild = await dropSecondaryIndexes(c, 'invoices');
      const r = await c.query(plan.sql, [ids.rows.map((x) => x.id)]);
      await rebuild();
      await rebuildFinanceTotals(c, load);
      return r.rowCount ?? 0;
    });

    await c.query('commit');
    // Fresh statistics, so the planner knows the tables are big before the first query.
    for (const t of ['users', 'businesses', 'memberships', 'subscriptions', 'clients']) await c.query(`analyze ${t}`);
    if (await tableExists(c, 'invoices')) await c.query('analyze invoices');
    return { status: 'loaded', shape, counts: await currentCounts(c), invoicesNote, ms: performance.now() - started, steps };
  } catch (err) {
    await c.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    c.release();
  }
}

/** The lines `fuse seed --scale-target` prints. */
export function describeScaleResult(r: ScaleResult): string[] {
  const f = (x: number) => x.toLocaleString('en-US');
  const lines: string[] = [];
  if (r.status === 'skipped') lines.push(`scale-target set already loaded at scale ${r.shape.scale} (use --force to reload)`);
  else if (r.status === 'invoices-only')
    lines.push(`scale-target set was loaded before the invoices table existed: added its invoices in ${(r.ms / 1000).toFixed(1)} s`);
  else lines.push(`loaded the scale-target set at scale ${r.shape.scale} in ${(r.ms / 1000).toFixed(1)} s`);
  lines.push(`  users:       ${f(r.counts.users)} (${f(r.shape.monthlyJoins)} joined in each of the last ${RECENT_MONTHS} months)`);
  lines.push(`  businesses:  ${f(r.counts.businesses)} (${f(r.counts.paying)} paying, ${f(r.counts.businesses - r.counts.paying)} free)`);
  lines.push(`  clients:     ${f(r.counts.clients)} (largest business ${f(r.shape.clientsPerBusiness[0] ?? 0)})`);
  lines.push(`  invoices:    ${r.counts.invoices === null ? 'none' : f(r.counts.invoices)}${r.invoicesNote ? ` — ${r.invoicesNote}` : ''}`);
  lines.push(
    `  sign in as ${scaleUserEmail(0)} … ${scaleUserEmail(r.shape.users - 1)} / ${SCALE_PASSWORD} (one argon2id hash shared by all scale-target users)`,
  );
  return lines;
}
