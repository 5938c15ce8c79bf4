import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { seedDemo } from '../../src/cli/demo-data';
import type { Database } from '../../src/fuse/db/client';
import { startEmbeddedDatabase } from '../../src/fuse/db/embedded';
import { migrateDatabase } from '../../src/fuse/db/migrate';
import { createPostgresDatabase } from '../setup/databases';

export type Kind = 'pglite' | 'postgres';

/** PGlite always; PostgreSQL when DATABASE_URL points at a server (always in CI). */
export const KINDS: Kind[] = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

/**
 * A database under test with one open connection, used for everything: the embedded server accepts
 * one connection at a time, so tests never open a second one beside it.
 */
export type Fresh = { kind: Kind; url: string; client: pg.Client; db: Database; stop: () => Promise<void> };

/** Connects, retrying briefly while the embedded server lets go of a connection just closed. */
export async function connect(url: string): Promise<pg.Client> {
  for (let attempt = 0; ; attempt++) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('select 1');
      client.on('error', () => undefined);
      return client;
    } catch (err) {
      await client.end().catch(() => undefined);
      if (attempt >= 50) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** A new, empty database of the given kind (migrated unless `migrate: false`). */
export async function freshDatabase(kind: Kind, options: { migrate?: boolean } = {}): Promise<Fresh> {
  let url: string;
  let drop: () => Promise<void>;
  if (kind === 'pglite') {
    const db = await startEmbeddedDatabase('memory://');
    url = db.url;
    drop = db.stop;
  } else {
    const db = await createPostgresDatabase(process.env.DATABASE_URL!, 'fuse_backup');
    url = db.url;
    drop = db.drop;
  }
  if (options.migrate !== false) await migrateDatabase(url);
  const client = await connect(url);
  return {
    kind,
    url,
    client,
    db: drizzle({ client }) as unknown as Database,
    stop: async () => {
      await client.end().catch(() => undefined);
      await drop();
    },
  };
}

/** The demo business plus rows whose values exercise COPY's escaping (tabs, newlines, backslashes, unicode, nulls, JSON). */
export async function seedForBackup(fresh: Fresh): Promise<void> {
  await seedDemo(fresh.db);
  const client = fresh.client;
  const { rows } = await client.query<{ id: string }>('select id from businesses limit 1');
  const business = rows[0]!.id;
  await client.query(
    `insert into clients (business_id, email, first_name, last_name, status, phone, company, notes)
     values ($1, 'tricky@example.com', 'Tab' || chr(9) || 'Name', 'Back\\slash', 'lead', null, 'Ünïcødé ☃ Co', 'line one' || chr(10) || 'line two' || chr(13) || '\\.'),
            ($1, 'empty@example.com', '', 'N', 'active', '\\N', '', null)`,
    [business],
  );
  await client.query(`insert into outbox (business_id, domain, kind, entity_id, data) values ($1, 'clients', 'created', '1', $2::jsonb)`, [
    business,
    JSON.stringify({ note: 'quote " and \\ and \t tab', n: 1.5, list: [1, null] }),
  ]);
}

export function tempDir(prefix = 'fuse-backup-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Row count of every public table. */
export async function tableCounts(client: pg.Client): Promise<Record<string, number>> {
  const tables = await client.query<{ name: string }>(
    `select c.relname::text as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'r' order by 1`,
  );
  const counts: Record<string, number> = {};
  for (const t of tables.rows) {
    counts[t.name] = Number((await client.query<{ n: string }>(`select count(*)::text as n from public."${t.name}"`)).rows[0]!.n);
  }
  return counts;
}
