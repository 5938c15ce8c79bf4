import { ConfigError, loadConfig } from './config';

/** Server start: validate configuration (exit with a message naming the variable when it is wrong). */
export async function startServer(): Promise<void> {
  if (process.env.NEXT_PHASE === 'phase-production-build') return;
  try {
    loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`fuse: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  // Metrics: the process registry and the data-layer hook (query time, slow queries).
  await import('./observability/metrics');
  // Live changes: outbox retention, run by one instance at a time (advisory lock).
  const [{ config }, { getDb }, { startOutboxRetention }] = await Promise.all([
    import('./config'),
    import('./db/client'),
    import('./live/retention'),
  ]);
  if (config().database.url) {
    startOutboxRetention(getDb, config().live.retentionDays);
    // Sessions: hear revocations from every instance, and read those announced before this start.
    (await import('./live/server')).startSessionRevocations();
  }
  // Web vitals and error groups (written by anonymous beacons) kept bounded, hourly, one instance at a time.
  if (config().database.url) (await import('./observability/retention')).startObservabilityRetention(getDb, config().observabilityRetention);
  // A database without this release's migrations: said at once, in the log (and /api/ready stays 503).
  if (config().database.url) void reportSchemaAtStart();
  // Scheduled backups when BACKUP_DIR is set (one instance per run: advisory lock).
  (await import('./backup/scheduler')).startConfiguredBackups();
}

/** Logs an error naming what to run when the database is behind this release's migrations. */
async function reportSchemaAtStart(): Promise<void> {
  const [{ getPool }, { schemaBehindMessage, schemaState }, { logger }] = await Promise.all([
    import('./db/client'),
    import('./db/schema-state'),
    import('./observability/logger'),
  ]);
  try {
    const state = await schemaState(getPool());
    if (!state.current) logger.error({ database: state.database, expected: state.code }, schemaBehindMessage(state));
  } catch (err) {
    // The database is down at start: /api/ready says so; the schema is checked there once it answers.
    logger.warn({ err: (err as Error).message }, 'startup: could not check the database schema');
  }
}
