import 'server-only';
import { Cron } from 'croner';
import { sql } from 'drizzle-orm';
import type { Database } from '@/fuse/db/client';
import { timed } from '@/fuse/db/timed';
import { logger } from './logger';
import { errorGroups, webVitals } from './schema';
import { processSingleton } from '@/fuse/singleton';

/** Advisory lock key of the retention job (one instance at a time); "FOBS" in ASCII. */
const RETENTION_LOCK_KEY = 0x464f4253;

export type ObservabilityRetention = { vitalsDays: number; vitalsMaxRows: number; errorsDays: number; errorsMaxGroups: number };
export type ObservabilityPruneResult = { ran: boolean; vitalsDeleted: number; errorGroupsDeleted: number };

/**
 * Bounds the operations data that anonymous browsers can add to: web-vital rows older than
 * `vitalsDays` or beyond the newest `vitalsMaxRows`, error groups not seen for `errorsDays` or beyond
 * the `errorsMaxGroups` most recently seen. One instance prunes at a time: the others find the
 * advisory lock taken and skip the round.
 */
export function pruneObservability(db: Database, limits: ObservabilityRetention): Promise<ObservabilityPruneResult> {
  return timed('observability.prune', () =>
    db.transaction(async (tx) => {
      const lock = await tx.execute<{ ok: boolean }>(sql`select pg_try_advisory_xact_lock(${sql.raw(String(RETENTION_LOCK_KEY))}) as ok`);
      if (!lock.rows[0]?.ok) return { ran: false, vitalsDeleted: 0, errorGroupsDeleted: 0 };
      const oldVitals = await tx.execute(sql`delete from ${webVitals} where ${webVitals.at} < now() - make_interval(days => ${limits.vitalsDays})`);
      // Ids only grow, so the rows past the newest `vitalsMaxRows` ids are the oldest.
      const extraVitals = await tx.execute(
        sql`delete from ${webVitals} where ${webVitals.id} <= (select id from ${webVitals} order by id desc offset ${limits.vitalsMaxRows} limit 1)`,
      );
      const oldGroups = await tx.execute(
        sql`delete from ${errorGroups} where ${errorGroups.lastSeen} < now() - make_interval(days => ${limits.errorsDays})`,
      );
      const extraGroups = await tx.execute(
        sql`delete from ${errorGroups} where ${errorGroups.fingerprint} in
            (select fingerprint from ${errorGroups} order by last_seen desc offset ${limits.errorsMaxGroups})`,
      );
      return {
        ran: true,
        vitalsDeleted: (oldVitals.rowCount ?? 0) + (extraVitals.rowCount ?? 0),
        errorGroupsDeleted: (oldGroups.rowCount ?? 0) + (extraGroups.rowCount ?? 0),
      };
    }),
  );
}

/** One round, logged: what the hourly schedule and GET /api/cron/observability-retention run. */
export async function runObservabilityRetention(db: Database, limits: ObservabilityRetention): Promise<ObservabilityPruneResult> {
  const result = await pruneObservability(db, limits);
  if (result.vitalsDeleted || result.errorGroupsDeleted) logger.info(result, 'observability: old web vitals and error groups pruned');
  return result;
}

const globalForJob = processSingleton('observabilityRetention', (): { fuseObservabilityRetention?: Cron } => ({}));

/**
 * Prunes hourly on every instance that starts it (the advisory lock lets one of them do the work).
 * `protect`: a run still going when the next is due is not doubled.
 */
export function startObservabilityRetention(getDb: () => Database, limits: ObservabilityRetention, pattern = '23 * * * *'): Cron {
  globalForJob.fuseObservabilityRetention ??= new Cron(pattern, { name: 'fuse-observability-retention', protect: true, unref: true }, async () => {
    try {
      await runObservabilityRetention(getDb(), limits);
    } catch (err) {
      logger.error({ err }, 'observability: retention failed');
    }
  });
  return globalForJob.fuseObservabilityRetention;
}

export function stopObservabilityRetention(): void {
  globalForJob.fuseObservabilityRetention?.stop();
  globalForJob.fuseObservabilityRetention = undefined;
}
