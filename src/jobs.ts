import { runRevenueWindowJob } from '@/domains/finance/windows';
import { runConfiguredBackup } from '@/fuse/backup/scheduler';
import { config } from '@/fuse/config';
import { getDb } from '@/fuse/db/client';
import { runOutboxRetention } from '@/fuse/live/retention';
import { runObservabilityRetention } from '@/fuse/observability/retention';

export type CronOutcome = { ok: true; result: unknown } | { ok: false; status: number; error: string };

/**
 * The background jobs a long-running FUSE schedules in process (src/fuse/startup.ts,
 * src/instrumentation.ts), by the name GET /api/cron/<name> runs them on a host without a
 * long-running process (Vercel Cron). Each runs the very function its schedule runs, under the
 * same advisory lock, so a cron call and an in-process tick never do the work twice.
 */
export const CRON_JOBS: ReadonlyMap<string, () => Promise<CronOutcome>> = new Map([
  ['outbox-retention', async () => ({ ok: true as const, result: await runOutboxRetention(getDb(), config().live.retentionDays) })],
  ['observability-retention', async () => ({ ok: true as const, result: await runObservabilityRetention(getDb(), config().observabilityRetention) })],
  ['finance-windows', async () => ({ ok: true as const, result: await runRevenueWindowJob(getDb()) })],
  [
    'backup',
    async (): Promise<CronOutcome> => {
      const run = runConfiguredBackup();
      if (!run) return { ok: false, status: 409, error: 'BACKUP_DIR is not set: scheduled backups are off on this deployment.' };
      const result = await run;
      if (result.ran && !result.ok) return { ok: false, status: 500, error: 'The backup failed; the server log and backup_runs say why.' };
      return { ok: true, result: result.ran ? { ran: true, bytes: result.bytes, rows: result.rows, durationMs: result.durationMs } : result };
    },
  ],
]);
