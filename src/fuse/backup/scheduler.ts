import { Cron } from 'croner';
import { readdirSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { config } from '@/fuse/config';
import { getPool } from '@/fuse/db/client';
import { logger } from '@/fuse/observability/logger';
import { recordBackupRun } from './runs';
import { defaultBackupName, writeBackup } from './write-backup';
import { processSingleton } from '@/fuse/singleton';

/** Advisory lock key of the scheduled backup (one instance at a time); "FBAK" in ASCII. */
export const BACKUP_LOCK_KEY = 0x4642414b;
/** Instances whose clocks fire the same tick a little apart: a run this recent means the tick is done (at most half the interval). */
const SAME_TICK_SECONDS = 60;
const BACKUP_FILE = /^fuse-backup-\d{8}T\d{6}Z\.fuse\.gz$/;

export type ScheduledBackupResult =
  | { ran: false; reason: 'locked' | 'recent' }
  | { ran: true; ok: true; file: string; bytes: number; rows: number; durationMs: number; deleted: string[] }
  | { ran: true; ok: false; error: string };

/** Deletes the oldest scheduled backup files in `dir` beyond the newest `keep`. Returns the names deleted. */
export function pruneBackups(dir: string, keep: number): string[] {
  // The names carry a sortable UTC timestamp, so name order is age order.
  const files = readdirSync(dir)
    .filter((f) => BACKUP_FILE.test(f))
    .sort()
    .reverse();
  const deleted = files.slice(Math.max(1, keep));
  for (const f of deleted) unlinkSync(path.join(dir, f));
  return deleted;
}

/**
 * One scheduled backup: takes the advisory lock (another instance holding it means it is running
 * this tick, so skip), writes `BACKUP_DIR/fuse-backup-<UTC time>.fuse.gz`, records the run in
 * backup_runs, keeps the newest `keep` files. A failure is logged as an error and recorded.
 */
export async function runScheduledBackup(
  pool: pg.Pool,
  options: { dir: string; keep: number; now?: Date; sameTickSeconds?: number },
): Promise<ScheduledBackupResult> {
  const client = await pool.connect();
  let locked = false;
  const startedAt = options.now ?? new Date();
  try {
    locked = (await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [BACKUP_LOCK_KEY])).rows[0]!.ok;
    if (!locked) {
      logger.info('backup: another instance is running the scheduled backup');
      return { ran: false, reason: 'locked' };
    }
    const recent = await client.query<{ n: number }>(
      `select count(*)::int as n from backup_runs where trigger = 'scheduled' and started_at > now() - make_interval(secs => $1)`,
      [options.sameTickSeconds ?? SAME_TICK_SECONDS],
    );
    if (recent.rows[0]!.n > 0) return { ran: false, reason: 'recent' };

    const file = path.join(options.dir, defaultBackupName(startedAt));
    try {
      const result = await writeBackup(client, file);
      await recordBackupRun(client, {
        trigger: 'scheduled',
        outcome: 'success',
        startedAt,
        finishedAt: new Date(),
        file: path.basename(file),
        bytes: result.bytes,
        rows: result.manifest.totalRows,
        error: null,
      });
      const deleted = pruneBackups(options.dir, options.keep);
      logger.info(
        { file: path.basename(file), bytes: result.bytes, rows: result.manifest.totalRows, durationMs: result.durationMs, deleted },
        'backup: scheduled backup written',
      );
      return { ran: true, ok: true, file, bytes: result.bytes, rows: result.manifest.totalRows, durationMs: result.durationMs, deleted };
    } catch (err) {
      logger.error({ err, file: path.basename(file) }, 'backup: scheduled backup failed');
      await recordBackupRun(client, {
        trigger: 'scheduled',
        outcome: 'failure',
        startedAt,
        finishedAt: new Date(),
        file: null,
        bytes: null,
        rows: null,
        error: err instanceof Error ? err.message : String(err),
      }).catch((recordErr) => logger.error({ err: recordErr }, 'backup: could not record the failed run'));
      return { ran: true, ok: false, error: err instanceof Error ? err.message : String(err) };
    }
  } finally {
    if (locked) await client.query('select pg_advisory_unlock($1)', [BACKUP_LOCK_KEY]).catch(() => undefined);
    client.release();
  }
}

const globalForJob = processSingleton('backupJob', (): { fuseBackupJob?: Cron } => ({}));

/**
 * Starts the backup schedule (BACKUP_CRON, server local time) on this instance. Every instance may
 * start it: the advisory lock lets one of them write each backup. `protect` skips a tick while the
 * previous run is still going.
 */
export function startBackupScheduler(getPool: () => pg.Pool, options: { dir: string; cron: string; keep: number }): Cron {
  // The same-tick window: a minute, or half the schedule's interval when it fires more often.
  const [a, b] = new Cron(options.cron, { paused: true }).nextRuns(2);
  const intervalSeconds = a && b ? (b.getTime() - a.getTime()) / 1000 : SAME_TICK_SECONDS * 2;
  const sameTickSeconds = Math.min(SAME_TICK_SECONDS, intervalSeconds / 2);
  globalForJob.fuseBackupJob ??= new Cron(options.cron, { name: 'fuse-backup', protect: true }, async () => {
    try {
      await runScheduledBackup(getPool(), { dir: options.dir, keep: options.keep, sameTickSeconds });
    } catch (err) {
      // A failure before the backup started (no connection, no lock query) is an error too.
      logger.error({ err }, 'backup: scheduled backup failed');
    }
  });
  logger.info({ dir: options.dir, cron: options.cron, keep: options.keep, next: globalForJob.fuseBackupJob.nextRun() }, 'backup: schedule started');
  return globalForJob.fuseBackupJob;
}

/**
 * One scheduled backup with the configured BACKUP_DIR and BACKUP_KEEP, as the schedule runs it (GET
 * /api/cron/backup on hosts without a long-running process). Null when BACKUP_DIR is not set.
 */
export function runConfiguredBackup(): Promise<ScheduledBackupResult> | null {
  const { backup, database } = config();
  if (!backup.dir || !database.url) return null;
  return runScheduledBackup(getPool(), { dir: backup.dir, keep: backup.keep });
}

/** Called from server start: schedules backups when BACKUP_DIR is set (and a database is configured). */
export function startConfiguredBackups(): Cron | null {
  const { backup, database } = config();
  if (!backup.dir || !database.url) return null;
  return startBackupScheduler(getPool, { dir: backup.dir, cron: backup.cron, keep: backup.keep });
}
