/**
 * `fuse restore FILE`: verifies the whole file (gzip, manifest, every table's count and SHA-256)
 * before touching any database, then restores it into an empty database in one transaction.
 */
import { statSync } from 'node:fs';
import type pg from 'pg';
import { codeSchemaVersion, describeVersion, listTables, migrationsFolderUpTo, qualified } from '@/fuse/backup/catalog';
import { RestoreRefusedError } from '@/fuse/backup/format';
import { restoreBackup, verifyBackupFile } from '@/fuse/backup/restore-backup';
import { migrateDatabase } from '@/fuse/db/migrate';
import { connectWithRetry, formatBytes, progressPrinter } from './backup';

async function firstNonEmptyTable(client: pg.Client): Promise<string | null> {
  for (const table of await listTables(client)) {
    const { rows } = await client.query<{ any: boolean }>(`select exists (select 1 from ${qualified(table.name)}) as any`);
    if (rows[0]?.any) return table.name;
  }
  return null;
}

export async function runRestore({ url, embedded }: { url: string; embedded: boolean }, { file }: { file: string }): Promise<void> {
  const started = performance.now();

  process.stderr.write(`fuse: verifying ${file}\n`);
  const manifest = await verifyBackupFile(file, { onProgress: progressPrinter('verified') });
  const verifiedMs = performance.now() - started;
  process.stderr.write(
    `fuse: the file is intact: ${manifest.tables.length} tables, ${manifest.totalRows.toLocaleString('en-US')} rows, made ${manifest.createdAt} at schema ${describeVersion(manifest.schema)}\n`,
  );
  // A backup at an older schema version is restored at that version, then migrated forward. One this
  // code does not know (a newer or a different FUSE) is refused.
  const code = codeSchemaVersion();
  let olderSchema: ReturnType<typeof migrationsFolderUpTo> = null;
  if (manifest.schema.migratedAt !== code.migratedAt) {
    olderSchema = manifest.schema.migratedAt == null ? null : migrationsFolderUpTo(manifest.schema.migratedAt);
    if (!olderSchema) {
      throw new RestoreRefusedError(
        `The backup was made at schema version ${describeVersion(manifest.schema)}, which this FUSE (at ${describeVersion(code)}) does not know: ` +
          'restore it with the FUSE release that made it. Nothing was changed.',
      );
    }
    process.stderr.write(
      `fuse: the backup is at the older schema ${olderSchema.tag}: restoring at that version, then applying the newer migrations\n`,
    );
  }

  // Refuse a non-empty database before migrating it, so a refused restore changes nothing.
  let client = await connectWithRetry(url, embedded);
  try {
    const busy = await firstNonEmptyTable(client);
    if (busy) {
      throw new RestoreRefusedError(
        `The target database is not empty (table "${busy}" has rows). Restore only into an empty database: ` +
          'create a new one (or move the embedded .fuse/pglite directory aside) and run the restore again. Nothing was changed.',
      );
    }
  } finally {
    await client.end();
  }
  try {
    process.stderr.write(`fuse: applying migrations to the target database${olderSchema ? ` up to ${olderSchema.tag}` : ''}\n`);
    await migrateDatabase(url, olderSchema?.folder);
  } finally {
    olderSchema?.cleanup();
  }

  client = await connectWithRetry(url, embedded);
  try {
    const result = await restoreBackup(client, file, { manifest, onProgress: progressPrinter('restored') });
    const total = performance.now() - started;
    process.stdout.write(
      `fuse: restored ${result.tables} tables, ${result.rows.toLocaleString('en-US')} rows (${result.method === 'copy' ? 'COPY' : 'batched INSERT'}); counts and checksums verified\n` +
        `fuse:   verify ${(verifiedMs / 1000).toFixed(1)} s, total ${(total / 1000).toFixed(1)} s, from ${formatBytes(statSync(file).size)}\n`,
    );
  } finally {
    await client.end();
  }
  if (olderSchema) {
    process.stderr.write('fuse: applying the migrations newer than the backup\n');
    await migrateDatabase(url);
  }
}
