import { desc, eq } from 'drizzle-orm';
import type pg from 'pg';
import type { Database } from '@/fuse/db/client';
import { timed } from '@/fuse/db/timed';
import { backupMetrics } from '@/fuse/observability/metrics';
import { backupRuns, type BackupRun } from './schema';

export type BackupRunRecord = {
  trigger: 'scheduled' | 'manual';
  outcome: 'success' | 'failure';
  startedAt: Date;
  finishedAt: Date;
  file: string | null;
  bytes: number | null;
  rows: number | null;
  error: string | null;
};

/** Records one backup run. Plain SQL on the caller's connection: the CLI has no app pool. */
export async function recordBackupRun(client: pg.ClientBase, run: BackupRunRecord): Promise<void> {
  await client.query(
    `insert into backup_runs (trigger, outcome, started_at, finished_at, duration_ms, file, bytes, rows, error)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      run.trigger,
      run.outcome,
      run.startedAt,
      run.finishedAt,
      Math.max(0, Math.round(run.finishedAt.getTime() - run.startedAt.getTime())),
      run.file,
      run.bytes,
      run.rows,
      run.error?.slice(0, 2000) ?? null,
    ],
  );
  backupMetrics.lastRun.set({ outcome: run.outcome }, run.finishedAt.getTime() / 1000);
  if (run.outcome === 'success' && run.bytes !== null) backupMetrics.lastBytes.set(run.bytes);
}

export type BackupStatus = {
  /** The newest run, whatever its outcome. */
  last: BackupRun | null;
  /** The newest successful run: its age is the recovery point if the database were lost now. */
  lastSuccess: BackupRun | null;
  /** The newest runs, newest first (at most BACKUP_HISTORY): the history chart. */
  recent: BackupRun[];
};

export const BACKUP_HISTORY = 14;

/** The last backup's time, size and outcome: for the admiral's page and the metrics endpoint. */
export async function backupStatus(db: Database): Promise<BackupStatus> {
  return timed('backup.status', async () => {
    const recent = await db.select().from(backupRuns).orderBy(desc(backupRuns.startedAt)).limit(BACKUP_HISTORY);
    const last = recent[0];
    const successful = recent.find((r) => r.outcome === 'success');
    const [lastSuccess] = successful
      ? [successful]
      : await db.select().from(backupRuns).where(eq(backupRuns.outcome, 'success')).orderBy(desc(backupRuns.startedAt)).limit(1);
    return { last: last ?? null, lastSuccess: lastSuccess ?? null, recent };
  });
}
