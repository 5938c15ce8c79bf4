import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { clearReadCache } from '@/fuse/http/read-cache-store';
import { databaseSchemaVersion, describeVersion, isPglite, listOwnedSequences, listTables, qualified, quoteIdent, type TableInfo } from './catalog';
import {
  BACKUP_FORMAT,
  BACKUP_MAGIC,
  BackupFileError,
  END_OF_DATA,
  MANIFEST_PREFIX,
  manifestSchema,
  parseCopyLine,
  readLineBatches,
  RestoreRefusedError,
  TABLE_PREFIX,
  tableHeader,
  type BackupManifest,
  type TableEntry,
} from './format';

type TableSink = {
  write: (lines: Buffer[], joined: Buffer) => Promise<void>;
  end: () => Promise<void>;
  /** Ends a half-written table after a failure, leaving the connection usable for the rollback. */
  abort?: () => Promise<void>;
};
type Scan = {
  /** Called at each table's header; the sink receives its data lines. */
  onTable?: (header: { name: string; columns: string[] }) => Promise<TableSink>;
  /** Known good manifest (second pass): each table is checked against it as soon as it ends. */
  expected?: BackupManifest;
  onProgress?: (p: { table: string; rows: number; done: boolean }) => void;
};

const END_MARKER = Buffer.from(END_OF_DATA);
const isEndOfData = (line: Buffer) => line.length === END_MARKER.length && line.equals(END_MARKER);

function joinLines(lines: Buffer[]): Buffer {
  let size = lines.length;
  for (const l of lines) size += l.length;
  const out = Buffer.allocUnsafe(size);
  let o = 0;
  for (const l of lines) {
    o += l.copy(out, o);
    out[o++] = 0x0a;
  }
  return out;
}

function compareTable(label: string, got: TableEntry, want: TableEntry | undefined): void {
  if (!want || want.name !== got.name) {
    throw new BackupFileError(`${label} is corrupt: table "${got.name}" is not where its manifest says it is.`);
  }
  if (want.columns.join(',') !== got.columns.join(',')) {
    throw new BackupFileError(`${label} is corrupt: the columns of table "${got.name}" do not match its manifest.`);
  }
  if (want.rows !== got.rows) {
    throw new BackupFileError(`${label} is corrupt: table "${got.name}" has ${got.rows} rows but its manifest says ${want.rows}.`);
  }
  if (want.sha256 !== got.sha256) {
    throw new BackupFileError(`${label} is corrupt: the rows of table "${got.name}" do not match their SHA-256 checksum in the manifest.`);
  }
}

function zlibMessage(label: string, err: NodeJS.ErrnoException): string {
  if (err.code === 'Z_DATA_ERROR' && /header/i.test(err.message)) return `${label} is not a FUSE backup: it is not a gzip file.`;
  if (err.code === 'Z_BUF_ERROR' || /unexpected end/i.test(err.message)) {
    return `${label} is truncated: the compressed data ends early (was the copy or the backup interrupted?).`;
  }
  return `${label} is corrupt (gzip: ${err.message}): it cannot be restored.`;
}

/** Reads a backup file from start to end, checking its structure, counts and checksums. */
async function scanBackup(file: string, scan: Scan = {}): Promise<BackupManifest> {
  const label = path.basename(file);
  if (!existsSync(file)) throw new BackupFileError(`${file} does not exist.`);
  if (statSync(file).size === 0) throw new BackupFileError(`${label} is empty.`);
  const gunzip = createGunzip();
  const source = createReadStream(file);
  source.on('error', (err) => gunzip.destroy(err));
  source.pipe(gunzip);

  // Assigned inside the `control` closure too, so declared by assertion (no narrowing to 'magic').
  let state = 'magic' as 'magic' | 'between' | 'table' | 'done';
  let manifest: BackupManifest | null = null;
  let current: { name: string; columns: string[]; rows: number; hash: ReturnType<typeof createHash>; sink?: TableSink } | null = null;
  const seen: TableEntry[] = [];

  const endTable = async () => {
    const t = current!;
    current = null;
    await t.sink?.end();
    const entry: TableEntry = { name: t.name, columns: t.columns, rows: t.rows, sha256: t.hash.digest('hex') };
    if (scan.expected) compareTable(label, entry, scan.expected.tables[seen.length]);
    seen.push(entry);
    scan.onProgress?.({ table: t.name, rows: t.rows, done: true });
  };

  const control = async (line: Buffer) => {
    const text = line.toString('utf8');
    if (state === 'magic') {
      if (text !== BACKUP_MAGIC) {
        const other = /^FUSE-BACKUP (\d+)$/.exec(text);
        throw new BackupFileError(
          other
            ? `${label} was written in backup format ${other[1]}; this version of FUSE reads format ${BACKUP_FORMAT}.`
            : `${label} is not a FUSE backup (it does not start with "${BACKUP_MAGIC}").`,
        );
      }
      state = 'between';
      return;
    }
    if (state === 'done') {
      throw new BackupFileError(`${label} is corrupt: it has data after its manifest.`);
    }
    if (text.startsWith(TABLE_PREFIX)) {
      const header = tableHeader.safeParse(safeJson(text.slice(TABLE_PREFIX.length)));
      if (!header.success) throw new BackupFileError(`${label} is corrupt: a table header cannot be read.`);
      current = { ...header.data, rows: 0, hash: createHash('sha256') };
      current.sink = await scan.onTable?.(header.data);
      state = 'table';
      return;
    }
    if (text.startsWith(MANIFEST_PREFIX)) {
      const parsed = manifestSchema.safeParse(safeJson(text.slice(MANIFEST_PREFIX.length)));
      if (!parsed.success) throw new BackupFileError(`${label} is corrupt: its manifest cannot be read.`);
      if (parsed.data.format !== BACKUP_FORMAT) {
        throw new BackupFileError(`${label} has a format ${parsed.data.format} manifest; this version of FUSE reads format ${BACKUP_FORMAT}.`);
      }
      manifest = parsed.data;
      state = 'done';
      return;
    }
    throw new BackupFileError(`${label} is corrupt: unexpected line between tables.`);
  };

  try {
    for await (const { lines, trailing } of readLineBatches(gunzip)) {
      if (trailing) throw new BackupFileError(`${label} is truncated: its last line is incomplete.`);
      let i = 0;
      while (i < lines.length) {
        if (state !== 'table') {
          await control(lines[i++]!);
          continue;
        }
        // A run of data lines up to the end-of-table marker.
        let end = i;
        while (end < lines.length && !isEndOfData(lines[end]!)) end++;
        if (end > i) {
          const batch = lines.slice(i, end);
          const joined = joinLines(batch);
          current!.hash.update(joined);
          current!.rows += batch.length;
          await current!.sink?.write(batch, joined);
          scan.onProgress?.({ table: current!.name, rows: current!.rows, done: false });
        }
        if (end < lines.length) {
          await endTable();
          state = 'between';
          end++;
        }
        i = end;
      }
    }
  } catch (err) {
    await (current as { sink?: TableSink } | null)?.sink?.abort?.().catch(() => undefined);
    if (err instanceof BackupFileError || err instanceof RestoreRefusedError) throw err;
    const e = err as NodeJS.ErrnoException;
    if (e.code?.startsWith('Z_') || /unexpected end of file|incorrect header/i.test(e.message ?? ''))
      throw new BackupFileError(zlibMessage(label, e));
    throw err;
  } finally {
    source.destroy();
  }

  if (state === 'magic') throw new BackupFileError(`${label} is not a FUSE backup (it is empty once decompressed).`);
  if (state === 'table' || !manifest) {
    throw new BackupFileError(`${label} is incomplete: it ends before its manifest (was the backup interrupted or the file truncated?).`);
  }
  const final: BackupManifest = manifest;
  if (final.tables.length !== seen.length) {
    throw new BackupFileError(`${label} is corrupt: its manifest lists ${final.tables.length} tables but it holds ${seen.length}.`);
  }
  seen.forEach((entry, i) => compareTable(label, entry, final.tables[i]));
  const total = seen.reduce((s, t) => s + t.rows, 0);
  if (total !== final.totalRows) throw new BackupFileError(`${label} is corrupt: its row total does not match its manifest.`);
  return final;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Checks a backup file end to end without touching any database: gzip integrity, structure, the
 * manifest, and every table's row count and SHA-256. Throws BackupFileError with a clear message.
 */
export function verifyBackupFile(file: string, options: { onProgress?: Scan['onProgress'] } = {}): Promise<BackupManifest> {
  return scanBackup(file, { onProgress: options.onProgress });
}

function copySink(client: pg.ClientBase, table: TableInfo): TableSink {
  const stream = client.query(copyFrom(`copy ${qualified(table.name)} (${table.columns.map(quoteIdent).join(', ')}) from stdin`)) as Writable;
  let failure: Error | null = null;
  stream.on('error', (err) => (failure ??= err));
  const done = finished(stream);
  done.catch(() => undefined);
  return {
    async write(_lines, joined) {
      if (failure) throw failure;
      if (!stream.write(joined)) await once(stream, 'drain');
    },
    async end() {
      stream.end();
      await done;
      if (failure) throw failure;
    },
    async abort() {
      // Destroying the stream sends CopyFail, which ends the COPY and leaves the transaction to roll back.
      stream.destroy(new Error('restore aborted'));
      await done.catch(() => undefined);
    },
  };
}

function insertSink(client: pg.ClientBase, table: TableInfo): TableSink {
  // Rows per INSERT: under PostgreSQL's 65,535 parameters per statement.
  const perBatch = Math.max(1, Math.min(2_000, Math.floor(60_000 / table.columns.length)));
  const columns = table.columns.map(quoteIdent).join(', ');
  const casts = table.columns.map((c) => table.types[c]!);
  const statementFor = (rows: number) => {
    const tuples: string[] = [];
    for (let r = 0; r < rows; r++) tuples.push(`(${casts.map((type, c) => `$${r * casts.length + c + 1}::${type}`).join(', ')})`);
    return `insert into ${qualified(table.name)} (${columns}) overriding system value values ${tuples.join(', ')}`;
  };
  const fullStatement = statementFor(perBatch);
  let pending: (string | null)[][] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const rows = pending;
    pending = [];
    await client.query(rows.length === perBatch ? fullStatement : statementFor(rows.length), rows.flat());
  };
  return {
    async write(lines) {
      for (const line of lines) {
        const values = parseCopyLine(line);
        if (values.length !== table.columns.length)
          throw new BackupFileError(`a row of table "${table.name}" has ${values.length} values, expected ${table.columns.length}.`);
        pending.push(values);
        if (pending.length >= perBatch) await flush();
      }
    },
    end: flush,
  };
}

export type RestoreResult = { manifest: BackupManifest; tables: number; rows: number; durationMs: number; method: 'copy' | 'insert' };

/**
 * Restores a backup into an empty database at the same schema version, in one transaction: the file
 * is verified first (unless `manifest` is the result of an earlier verifyBackupFile), the target is
 * checked (same migration, every table present with the same columns, every table empty), rows are
 * loaded in foreign-key order, identity sequences are moved past the restored ids, and each table's
 * row count is checked before commit. Any failure rolls everything back.
 */
export async function restoreBackup(
  client: pg.ClientBase,
  file: string,
  options: { manifest?: BackupManifest; method?: 'copy' | 'insert'; onProgress?: Scan['onProgress'] } = {},
): Promise<RestoreResult> {
  const started = performance.now();
  const manifest = options.manifest ?? (await verifyBackupFile(file));
  const target = await databaseSchemaVersion(client);
  if (target.migratedAt !== manifest.schema.migratedAt) {
    throw new RestoreRefusedError(
      `The backup was made at schema version ${describeVersion(manifest.schema)}, but the target database is at ${describeVersion(target)}. ` +
        'Restore into a database migrated to the same version (the FUSE release that made the backup), then upgrade.',
    );
  }
  const method = options.method ?? ((await isPglite(client)) ? 'insert' : 'copy');
  await client.query('begin');
  try {
    const tables = new Map((await listTables(client)).map((t) => [t.name, t]));
    for (const entry of manifest.tables) {
      const table = tables.get(entry.name);
      if (!table) throw new RestoreRefusedError(`The target database has no table "${entry.name}": is it migrated to the backup's version?`);
      if (table.columns.join(',') !== entry.columns.join(',')) {
        throw new RestoreRefusedError(`The columns of table "${entry.name}" differ between the backup and the target database.`);
      }
    }
    for (const table of tables.values()) {
      const { rows } = await client.query<{ any: boolean }>(`select exists (select 1 from ${qualified(table.name)}) as any`);
      if (rows[0]?.any) {
        throw new RestoreRefusedError(
          `The target database is not empty (table "${table.name}" has rows): restore only into an empty, freshly migrated database.`,
        );
      }
    }
    await client.query('set constraints all deferred');
    // Rows go back verbatim, derived tables included: user triggers (which derive rows, such as
    // running totals) stay off during the load, as with pg_dump --disable-triggers, so nothing is
    // counted twice. Foreign keys are system triggers and stay on. Re-enabled before commit.
    const loaded = manifest.tables.map((entry) => qualified(entry.name));
    for (const name of loaded) await client.query(`alter table ${name} disable trigger user`);
    // Secondary indexes are dropped and rebuilt after the load (in this transaction): building an
    // index once from sorted data is several times faster than updating it row by row.
    const secondary = await client.query<{ name: string; def: string }>(
      `select quote_ident(ic.relname) as name, pg_get_indexdef(i.indexrelid) as def
         from pg_index i
         join pg_class ic on ic.oid = i.indexrelid
         join pg_class tc on tc.oid = i.indrelid
         join pg_namespace n on n.oid = tc.relnamespace
        where n.nspname = 'public' and tc.relkind = 'r'
          and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)`,
    );
    for (const index of secondary.rows) await client.query(`drop index public.${index.name}`);
    await scanBackup(file, {
      expected: manifest,
      onProgress: options.onProgress,
      onTable: async (header) => {
        const table = { ...tables.get(header.name)!, columns: header.columns };
        return method === 'copy' ? copySink(client, table) : insertSink(client, table);
      },
    });
    for (const name of loaded) await client.query(`alter table ${name} enable trigger user`);
    await client.query(`set local maintenance_work_mem = '256MB'`);
    for (const index of secondary.rows) await client.query(index.def);
    const restored = new Set(manifest.tables.map((t) => t.name));
    for (const seq of await listOwnedSequences(client)) {
      if (!restored.has(seq.table)) continue;
      await client.query(
        `select setval($1::regclass, coalesce((select max(${quoteIdent(seq.column)}) from ${qualified(seq.table)}), 0) + 1, false)`,
        [`${quoteIdent(seq.schema)}.${quoteIdent(seq.sequence)}`],
      );
    }
    for (const entry of manifest.tables) {
      const { rows } = await client.query<{ n: string }>(`select count(*)::text as n from ${qualified(entry.name)}`);
      if (Number(rows[0]!.n) !== entry.rows) {
        throw new Error(`table "${entry.name}" has ${rows[0]!.n} rows after the restore, expected ${entry.rows}: rolled back.`);
      }
    }
    await client.query('commit');
    // The restored rows came without outbox rows of their own: nothing this process cached may stay.
    clearReadCache();
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  }
  return {
    manifest,
    tables: manifest.tables.length,
    rows: manifest.totalRows,
    durationMs: Math.round(performance.now() - started),
    method,
  };
}
