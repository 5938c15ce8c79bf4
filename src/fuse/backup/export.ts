import type pg from 'pg';
import { assertCan } from '@/fuse/auth/permissions';
import type { Rank } from '@/fuse/auth/schema-types';
import { getPool } from '@/fuse/db/client';
import { NotFoundError } from '@/fuse/http/errors';
import { qualified, quoteIdent } from './catalog';

/**
 * A business's own data as one JSON document (the seed's export script, scoped to one tenant): the
 * business, its members (never their password hashes), and every table that carries `business_id`,
 * found in the catalog so tables added later are exported too. The scope is the caller's session;
 * only captains and above may export. Read in one REPEATABLE READ snapshot and streamed in batches,
 * so a business with a million clients does not sit in memory.
 */
export type ExportScope = { businessId: string; rank: Rank };

/** Framework bookkeeping that carries business_id but is not the business's data. */
const INTERNAL_TABLES = new Set(['memberships', 'outbox', 'idempotency_keys']);
/** A table whose comment starts with this holds only data derived from other tables (see drizzle/0007). */
const DERIVED_TABLE_COMMENT = 'fuse:derived';
/** Columns never exported, whatever table they are in. */
const SECRET_COLUMN = /password|secret|token|hash/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BATCH = 500;

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'business'
  );
}

export async function openBusinessExport(pool: pg.Pool, scope: ExportScope): Promise<{ filename: string; stream: ReadableStream<Uint8Array> }> {
  assertCan(scope, 'data.export');
  if (!UUID.test(scope.businessId)) throw new NotFoundError();
  const client = await pool.connect();
  let released = false;
  const release = async (commit: boolean) => {
    if (released) return;
    released = true;
    await client.query(commit ? 'commit' : 'rollback').catch(() => undefined);
    client.release();
  };
  try {
    await client.query('begin isolation level repeatable read, read only');
    const business = await client.query('select * from businesses where id = $1', [scope.businessId]);
    if (business.rows.length === 0) throw new NotFoundError();
    const members = await client.query(
      `select u.id, u.email, u.name, m.rank, m.created_at as joined_at
         from memberships m join users u on u.id = m.user_id
        where m.business_id = $1 order by m.created_at, u.email`,
      [scope.businessId],
    );
    const tables = await client.query<{ name: string; columns: string[]; key: string[] | null }>(
      `select c.relname::text as name,
              array(select a.attname::text from pg_attribute a
                     where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped order by a.attnum) as columns,
              (select array(select a.attname::text from unnest(i.indkey) with ordinality k(attnum, ord)
                              join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum order by k.ord)
                 from pg_index i where i.indrelid = c.oid and i.indisprimary) as key
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition and c.relname <> 'businesses'
          -- Derived tables (running totals a trigger keeps) say so in their comment: nothing of the business's own.
          and coalesce(obj_description(c.oid, 'pg_class'), '') not like '${DERIVED_TABLE_COMMENT}%'
          and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'business_id' and not a.attisdropped)
        order by c.relname`,
    );
    const exportable = tables.rows.filter((t) => !INTERNAL_TABLES.has(t.name));
    const encoder = new TextEncoder();
    const head =
      `{"format":"fuse-business-export","version":1,"exportedAt":${JSON.stringify(new Date().toISOString())},` +
      `"business":${JSON.stringify(business.rows[0])},"members":${JSON.stringify(members.rows)},"tables":{`;

    async function* documentParts(): AsyncGenerator<string> {
      yield head;
      for (const [t, table] of exportable.entries()) {
        const columns = table.columns
          .filter((c) => !SECRET_COLUMN.test(c))
          .map(quoteIdent)
          .join(', ');
        const order = table.key?.length ? ` order by ${table.key.map(quoteIdent).join(', ')}` : '';
        // The id is a validated UUID from the session (checked above), so it is safe as a literal here.
        await client.query(
          `declare export_rows no scroll cursor for select ${columns} from ${qualified(table.name)} where business_id = '${scope.businessId}'${order}`,
        );
        yield `${t ? ',' : ''}${JSON.stringify(table.name)}:[`;
        let first = true;
        for (;;) {
          const batch = await client.query(`fetch ${BATCH} from export_rows`);
          if (batch.rows.length === 0) break;
          yield (first ? '' : ',') + batch.rows.map((row) => JSON.stringify(row)).join(',');
          first = false;
        }
        await client.query('close export_rows');
        yield ']';
      }
      yield '}}\n';
    }

    const parts = documentParts();
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const next = await parts.next();
          if (next.done) {
            await release(true);
            controller.close();
          } else controller.enqueue(encoder.encode(next.value));
        } catch (err) {
          await release(false);
          controller.error(err);
        }
      },
      async cancel() {
        await release(false);
      },
    });
    const date = new Date().toISOString().slice(0, 10);
    return { filename: `fuse-export-${slug(String(business.rows[0].name))}-${date}.json`, stream };
  } catch (err) {
    await release(false);
    throw err;
  }
}

/** The export of the session's own business, on the app's pool (for the route handler). */
export function exportBusinessData(scope: ExportScope) {
  return openBusinessExport(getPool(), scope);
}
