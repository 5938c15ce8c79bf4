import { bigint, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * One row per backup run (scheduled or from the `fuse backup` command): what the admiral's page and
 * the metrics show as "last backup", and the history an operator reads after an incident.
 */
export const backupRuns = pgTable(
  'backup_runs',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    trigger: text('trigger', { enum: ['scheduled', 'manual'] }).notNull(),
    outcome: text('outcome', { enum: ['success', 'failure'] }).notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }).notNull(),
    durationMs: integer('duration_ms').notNull(),
    /** File name only (never a path an HTTP client could use). */
    file: text('file'),
    bytes: bigint('bytes', { mode: 'number' }),
    rows: bigint('rows', { mode: 'number' }),
    error: text('error'),
  },
  (t) => [index('backup_runs_started_at_idx').on(t.startedAt)],
);

export type BackupRun = typeof backupRuns.$inferSelect;
