/**
 * `fuse backup [--out FILE]`: a consistent, verified-on-restore snapshot of every table to one gzip
 * file (mode 0600). Progress goes to stderr; the file name and summary to stdout.
 */
import path from 'node:path';
import pg from 'pg';
import { recordBackupRun } from '@/fuse/backup/runs';
import { defaultBackupName, writeBackup, type BackupProgress } from '@/fuse/backup/write-backup';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

export function progressPrinter(
  verb: string,
): (p: { table: string; rows: number; done: boolean; bytes?: number; tableIndex?: number; tableCount?: number }) => void {
  const tty = process.stderr.isTTY;
  let lastPrint = 0;
  return (p) => {
    const position = p.tableIndex !== undefined && p.tableCount ? `[${p.tableIndex + 1}/${p.tableCount}] ` : '';
    const line = `${verb} ${position}${p.table}: ${p.rows.toLocaleString('en-US')} rows${p.bytes ? `, ${formatBytes(p.bytes)}` : ''}`;
    if (tty) {
      const now = Date.now();
      if (!p.done && now - lastPrint < 200) return;
      lastPrint = now;
      process.stderr.write(`\r\x1b[K${line}${p.done ? '\n' : ''}`);
    } else if (p.done || Date.now() - lastPrint > 5_000) {
      lastPrint = Date.now();
      process.stderr.write(`${line}${p.done ? ' ✓' : ' …'}\n`);
    }
  };
}

/**
 * Connects. The embedded database serves one connection, which a running app may hold (its pool
 * lets it go after 30 s idle), so there a refused connection is retried for a while.
 */
export async function connectWithRetry(url: string, embedded: boolean, waitMs = 60_000): Promise<pg.Client> {
  const deadline = Date.now() + (embedded ? waitMs : 0);
  let warned = false;
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000, application_name: 'fuse-cli' });
    try {
      await client.connect();
      await client.query('select 1');
      return client;
    } catch (err) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw err;
      if (!warned) {
        process.stderr.write('fuse: the embedded database is busy (a running app holds its one connection); retrying for up to a minute…\n');
        warned = true;
      }
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}

export async function runBackup({ url, embedded }: { url: string; embedded: boolean }, options: { out?: string }): Promise<void> {
  const out = options.out || path.join(process.env.BACKUP_DIR || 'backups', defaultBackupName());
  const client = await connectWithRetry(url, embedded);
  const startedAt = new Date();
  try {
    const result = await writeBackup(client, out, { onProgress: progressPrinter('backing up') as (p: BackupProgress) => void });
    await recordBackupRun(client, {
      trigger: 'manual',
      outcome: 'success',
      startedAt,
      finishedAt: new Date(),
      file: path.basename(out),
      bytes: result.bytes,
      rows: result.manifest.totalRows,
      error: null,
    }).catch((err: Error) => process.stderr.write(`fuse: (the run was not recorded in backup_runs: ${err.message})\n`));
    const m = result.manifest;
    process.stdout.write(
      `fuse: backup written to ${result.file}\n` +
        `fuse:   ${m.tables.length} tables, ${m.totalRows.toLocaleString('en-US')} rows, ${formatBytes(result.bytes)}, ` +
        `${(result.durationMs / 1000).toFixed(1)} s, schema ${m.schema.migration ?? 'unknown'}\n`,
    );
  } catch (err) {
    await recordBackupRun(client, {
      trigger: 'manual',
      outcome: 'failure',
      startedAt,
      finishedAt: new Date(),
      file: null,
      bytes: null,
      rows: null,
      error: err instanceof Error ? err.message : String(err),
    }).catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}
