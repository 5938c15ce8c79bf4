import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { createGzip, constants as zlib } from 'node:zlib';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { databaseSchemaVersion, isPglite, listTables, qualified, quoteIdent } from './catalog';
import { BACKUP_FORMAT, BACKUP_MAGIC, END_OF_DATA, MANIFEST_PREFIX, TABLE_PREFIX, type BackupManifest, type TableEntry } from './format';

export type BackupProgress = { table: string; tableIndex: number; tableCount: number; rows: number; bytes: number; done: boolean };

export type BackupResult = { file: string; bytes: number; manifest: BackupManifest; durationMs: number };

/**
 * Session settings that make the COPY text of a value the same on every server and every run, so
 * checksums of the same data always match (a backup of a restored database has the same checksums).
 */
const STABLE_OUTPUT = [
  "set local timezone = 'UTC'",
  "set local datestyle = 'ISO, YMD'",
  "set local intervalstyle = 'postgres'",
  'set local extra_float_digits = 3',
  "set local bytea_output = 'hex'",
  // A table's COPY takes as long as its data: the app pool's statement timeout (DB_QUERY_TIMEOUT_MS) is not for it.
  'set local statement_timeout = 0',
];

/** Backups are never written where the web server serves files from. */
export function assertSafeBackupPath(file: string, root = process.cwd()): void {
  const resolved = path.resolve(file);
  for (const served of ['public', '.next']) {
    const dir = path.resolve(root, served);
    if (resolved === dir || resolved.startsWith(dir + path.sep)) {
      throw new Error(`refusing to write a backup under ${served}/: files there can be served over HTTP`);
    }
  }
}

export function defaultBackupName(now = new Date()): string {
  return `fuse-backup-${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}.fuse.gz`;
}

async function write(stream: NodeJS.WritableStream, data: Buffer | string): Promise<void> {
  if (!stream.write(data)) await once(stream as unknown as NodeJS.EventEmitter, 'drain');
}

function countNewlines(chunk: Buffer): number {
  let n = 0;
  for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) n++;
  return n;
}

/**
 * Writes a consistent snapshot of every public table to `file` (gzip, mode 0600): one REPEATABLE READ,
 * READ ONLY transaction, each table streamed with COPY TO STDOUT in primary-key order. The file appears
 * under its name only once complete (written as `<file>.partial`, then renamed).
 */
export async function writeBackup(
  client: pg.ClientBase,
  file: string,
  options: { onProgress?: (p: BackupProgress) => void; gzipLevel?: number } = {},
): Promise<BackupResult> {
  const started = performance.now();
  assertSafeBackupPath(file);
  if (existsSync(file)) throw new Error(`${file} already exists: choose another name (backups are never overwritten)`);
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
  const partial = `${file}.partial`;
  const out = createWriteStream(partial, { mode: 0o600 });
  const gzip = createGzip({ level: options.gzipLevel ?? zlib.Z_DEFAULT_COMPRESSION });
  gzip.pipe(out);
  const written = finished(out);
  let ok = false;
  try {
    await client.query('begin isolation level repeatable read, read only');
    for (const statement of STABLE_OUTPUT) await client.query(statement);
    const pglite = await isPglite(client);
    // now() is the transaction's start: the moment the snapshot shows.
    const snapshotAt = (await client.query<{ at: Date }>('select now() as at')).rows[0]!.at;
    const version = (await client.query<{ v: string }>(`select current_setting('server_version') as v`)).rows[0]!.v;
    const schema = await databaseSchemaVersion(client);
    const tables = await listTables(client);
    await write(gzip, BACKUP_MAGIC + '\n');

    const entries: TableEntry[] = [];
    for (const [tableIndex, table] of tables.entries()) {
      await write(gzip, `${TABLE_PREFIX}${JSON.stringify({ name: table.name, columns: table.columns })}\n`);
      const columns = table.columns.map(quoteIdent).join(', ');
      const order = table.primaryKey.length ? ` order by ${table.primaryKey.map(quoteIdent).join(', ')}` : '';
      const copy = client.query(copyTo(`copy (select ${columns} from ${qualified(table.name)}${order}) to stdout`));
      const hash = createHash('sha256');
      let rows = 0;
      let bytes = 0;
      let lastReport = 0;
      for await (const chunk of copy as AsyncIterable<Buffer>) {
        hash.update(chunk);
        rows += countNewlines(chunk);
        bytes += chunk.length;
        await write(gzip, chunk);
        if (options.onProgress && rows - lastReport >= 50_000) {
          lastReport = rows;
          options.onProgress({ table: table.name, tableIndex, tableCount: tables.length, rows, bytes, done: false });
        }
      }
      await write(gzip, END_OF_DATA + '\n');
      entries.push({ name: table.name, columns: table.columns, rows, sha256: hash.digest('hex') });
      options.onProgress?.({ table: table.name, tableIndex, tableCount: tables.length, rows, bytes, done: true });
    }
    await client.query('commit');

    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      createdAt: new Date(snapshotAt).toISOString(),
      database: { kind: pglite ? 'pglite' : 'postgresql', version },
      schema,
      tables: entries,
      totalRows: entries.reduce((sum, t) => sum + t.rows, 0),
    };
    await write(gzip, `${MANIFEST_PREFIX}${JSON.stringify(manifest)}\n`);
    gzip.end();
    await written;
    renameSync(partial, file);
    ok = true;
    return { file, bytes: statSync(file).size, manifest, durationMs: Math.round(performance.now() - started) };
  } finally {
    if (!ok) {
      await client.query('rollback').catch(() => undefined);
      gzip.destroy();
      out.destroy();
      if (existsSync(partial)) unlinkSync(partial);
    }
  }
}
