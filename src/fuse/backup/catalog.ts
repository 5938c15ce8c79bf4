import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';

/**
 * What a backup needs to know about the database, read from the PostgreSQL catalog rather than from
 * the Drizzle schema files: a table added by a later migration is included without touching this code.
 */
export type TableInfo = {
  name: string;
  /** Stored columns in table order (generated columns are recomputed on restore, so left out). */
  columns: string[];
  /** Column name → SQL type, for typed inserts where COPY FROM is not available. */
  types: Record<string, string>;
  primaryKey: string[];
};

export type SchemaVersion = {
  /** The latest applied migration's tag (from drizzle/meta/_journal.json), null when unknown. */
  migration: string | null;
  /** Its `when` stamp as recorded in drizzle.__drizzle_migrations (null: never migrated). */
  migratedAt: number | null;
  applied: number;
};

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function qualified(table: string): string {
  return `public.${quoteIdent(table)}`;
}

/** Every base table of the public schema, ordered so that referenced tables come before referencing ones. */
export async function listTables(client: pg.ClientBase): Promise<TableInfo[]> {
  const tables = await client.query<{ oid: number; name: string }>(
    `select c.oid::int as oid, c.relname::text as name
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
      order by c.relname`,
  );
  if (tables.rows.length === 0) return [];
  const oids = tables.rows.map((t) => t.oid);
  // One after another: a single connection runs one query at a time.
  const columns = await client.query<{ oid: number; name: string; type: string }>(
    `select a.attrelid::int as oid, a.attname::text as name, format_type(a.atttypid, a.atttypmod) as type
       from pg_attribute a
      where a.attrelid = any($1::oid[]) and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
      order by a.attrelid, a.attnum`,
    [oids],
  );
  const keys = await client.query<{ oid: number; columns: string[] }>(
    `select i.indrelid::int as oid,
            array(select a.attname::text
                    from unnest(i.indkey) with ordinality k(attnum, ord)
                    join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
                   order by k.ord) as columns
       from pg_index i
      where i.indisprimary and i.indrelid = any($1::oid[])`,
    [oids],
  );
  const refs = await client.query<{ from: number; to: number }>(
    `select conrelid::int as "from", confrelid::int as "to" from pg_constraint
      where contype = 'f' and conrelid = any($1::oid[]) and confrelid = any($1::oid[])`,
    [oids],
  );
  const byOid = new Map<number, TableInfo>();
  for (const t of tables.rows) byOid.set(t.oid, { name: t.name, columns: [], types: {}, primaryKey: [] });
  for (const c of columns.rows) {
    const info = byOid.get(c.oid)!;
    info.columns.push(c.name);
    info.types[c.name] = c.type;
  }
  for (const k of keys.rows) byOid.get(k.oid)!.primaryKey = k.columns;

  // Depth-first topological order over foreign keys (self-references ignored). A cycle cannot be
  // ordered; its tables keep name order and rely on deferred constraints at restore.
  const dependsOn = new Map<number, number[]>();
  for (const r of refs.rows) if (r.from !== r.to) dependsOn.set(r.from, [...(dependsOn.get(r.from) ?? []), r.to]);
  const ordered: TableInfo[] = [];
  const state = new Map<number, 'visiting' | 'done'>();
  const visit = (oid: number) => {
    if (state.get(oid)) return;
    state.set(oid, 'visiting');
    for (const dep of dependsOn.get(oid) ?? []) if (!state.get(dep)) visit(dep);
    state.set(oid, 'done');
    ordered.push(byOid.get(oid)!);
  };
  for (const t of tables.rows) visit(t.oid);
  return ordered;
}

/** Sequences owned by public tables' columns (identity and serial), for resetting after a restore. */
export async function listOwnedSequences(client: pg.ClientBase): Promise<{ table: string; column: string; sequence: string; schema: string }[]> {
  const result = await client.query<{ table: string; column: string; sequence: string; schema: string }>(
    `select c.relname::text as "table", a.attname::text as "column", s.relname::text as "sequence", sn.nspname::text as "schema"
       from pg_depend d
       join pg_class s on s.oid = d.objid and s.relkind = 'S'
       join pg_namespace sn on sn.oid = s.relnamespace
       join pg_class c on c.oid = d.refobjid
       join pg_namespace n on n.oid = c.relnamespace
       join pg_attribute a on a.attrelid = c.oid and a.attnum = d.refobjsubid
      where d.classid = 'pg_class'::regclass and d.refclassid = 'pg_class'::regclass
        and d.deptype in ('a', 'i') and n.nspname = 'public'
      order by 1, 2`,
  );
  return result.rows;
}

type JournalEntry = { idx: number; when: number; tag: string };

function readJournal(migrationsFolder: string): JournalEntry[] {
  const file = path.join(migrationsFolder, 'meta', '_journal.json');
  if (!existsSync(file)) return [];
  return (JSON.parse(readFileSync(file, 'utf8')) as { entries: JournalEntry[] }).entries;
}

/** The schema version this code expects: the newest migration in drizzle/meta/_journal.json. */
export function codeSchemaVersion(migrationsFolder = path.resolve(process.cwd(), 'drizzle')): SchemaVersion {
  const entries = readJournal(migrationsFolder);
  const last = entries.at(-1);
  return { migration: last?.tag ?? null, migratedAt: last?.when ?? null, applied: entries.length };
}

/** The schema version of a database: the newest row of drizzle.__drizzle_migrations, named from the journal. */
export async function databaseSchemaVersion(
  client: pg.ClientBase | pg.Pool,
  migrationsFolder = path.resolve(process.cwd(), 'drizzle'),
): Promise<SchemaVersion> {
  const exists = await client.query<{ ok: boolean }>(`select to_regclass('drizzle.__drizzle_migrations') is not null as ok`);
  if (!exists.rows[0]?.ok) return { migration: null, migratedAt: null, applied: 0 };
  const result = await client.query<{ when: string | null; applied: string }>(
    `select max(created_at)::text as "when", count(*)::text as applied from drizzle.__drizzle_migrations`,
  );
  const when = result.rows[0]?.when == null ? null : Number(result.rows[0].when);
  const tag = when == null ? null : (readJournal(migrationsFolder).find((e) => e.when === when)?.tag ?? null);
  return { migration: tag, migratedAt: when, applied: Number(result.rows[0]?.applied ?? 0) };
}

export function describeVersion(v: SchemaVersion): string {
  if (v.migratedAt == null) return 'no migrations applied';
  return `${v.migration ?? 'an unknown migration'} (${v.applied} applied, stamp ${v.migratedAt})`;
}

/**
 * A copy of the migrations folder that stops at the migration stamped `migratedAt`, so a database can
 * be brought to an older backup's schema version, restored, and then migrated forward. Null when this
 * code does not know that migration (a backup from a newer or a different FUSE).
 */
export function migrationsFolderUpTo(
  migratedAt: number,
  migrationsFolder = path.resolve(process.cwd(), 'drizzle'),
): { folder: string; tag: string; cleanup: () => void } | null {
  const entries = readJournal(migrationsFolder);
  const index = entries.findIndex((e) => e.when === migratedAt);
  if (index < 0) return null;
  const folder = mkdtempSync(path.join(os.tmpdir(), 'fuse-migrations-'));
  mkdirSync(path.join(folder, 'meta'));
  const journal = JSON.parse(readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: JournalEntry[] };
  const kept = entries.slice(0, index + 1);
  writeFileSync(path.join(folder, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries: kept }));
  for (const e of kept) copyFileSync(path.join(migrationsFolder, `${e.tag}.sql`), path.join(folder, `${e.tag}.sql`));
  return { folder, tag: entries[index]!.tag, cleanup: () => rmSync(folder, { recursive: true, force: true }) };
}

/** PGlite's wire server does not accept COPY FROM STDIN (COPY TO STDOUT works): it loads with INSERTs. */
export async function isPglite(client: pg.ClientBase): Promise<boolean> {
  const result = await client.query<{ v: string }>('select version() as v');
  return /PGlite/i.test(result.rows[0]?.v ?? '');
}
