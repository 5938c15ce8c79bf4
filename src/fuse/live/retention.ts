import 'server-only';
import { sql } from 'drizzle-orm';
import type { Database } from '@/fuse/db/client';
import { timed } from '@/fuse/db/timed';
import { logger } from '@/fuse/observability/logger';
import { OUTBOX_LOCK_CLASS } from './outbox';
import { idempotencyKeys, outbox, outboxPruned } from './schema';
import { processSingleton } from '@/fuse/singleton';

/** Second key of the retention job's advisory lock (first: the outbox lock class). */
const RETENTION_LOCK_KEY = 1;
/** Idempotency keys protect retries, which come within minutes; a day is ample. */
const IDEMPOTENCY_KEY_HOURS = 24;

export type PruneResult = { ran: boolean; deleted: number; through: number; keysDeleted: number };

/**
 * Deletes outbox rows older than `retentionDays` (keeping each business's newest row) and records
 * the id pruned through: a stream resuming from before a pruned row gets a resync. Only one instance prunes at a time: the others find the advisory lock taken and
 * skip this round.
 */
export function pruneOutbox(db: Database, retentionDays: number): Promise<PruneResult> {
  return timed('live.pruneOutbox', () =>
    db.transaction(async (tx) => {
      const lock = await tx.execute<{ ok: boolean }>(
        sql`select pg_try_advisory_xact_lock(${sql.raw(String(OUTBOX_LOCK_CLASS))}, ${sql.raw(String(RETENTION_LOCK_KEY))}) as ok`,
      );
      if (!lock.rows[0]?.ok) return { ran: false, deleted: 0, through: 0, keysDeleted: 0 };
      const newest = await tx.execute<{ through: string | number | null }>(
        sql`select max(id) as through from ${outbox} where at < now() - make_interval(days => ${retentionDays})`,
      );
      const through = Number(newest.rows[0]?.through ?? 0);
      let deleted = 0;
      if (through > 0) {
        // Each business keeps its newest row, so a quiet business still shows where its streams
        // stand (prunedSince) and its pages never look too far behind.
        const result = await tx.execute(
          sql`delete from ${outbox} o where o.id <= ${through}
              and exists (select 1 from ${outbox} n where n.business_id = o.business_id and n.id > o.id)`,
        );
        deleted = result.rowCount ?? 0;
        await tx.execute(
          sql`insert into ${outboxPruned} (id, through, at) values (1, ${through}, now())
              on conflict (id) do update set through = greatest(${outboxPruned.through}, excluded.through), at = now()`,
        );
      }
      const keys = await tx.execute(sql`delete from ${idempotencyKeys} where created_at < now() - make_interval(hours => ${IDEMPOTENCY_KEY_HOURS})`);
      return { ran: true, deleted, through, keysDeleted: keys.rowCount ?? 0 };
    }),
  );
}

/** One round of outbox retention, logged: what the hourly schedule and GET /api/cron/outbox-retention run. */
export async function runOutboxRetention(db: Database, retentionDays: number): Promise<PruneResult> {
  const result = await pruneOutbox(db, retentionDays);
  if (result.ran && (result.deleted || result.keysDeleted)) logger.info(result, 'live: outbox pruned');
  return result;
}

const globalForJob = processSingleton('outboxRetention', (): { fuseOutboxRetention?: NodeJS.Timeout } => ({}));

/** Prunes hourly (first run a minute after start). Safe on every instance: one runs it at a time. */
export function startOutboxRetention(getDb: () => Database, retentionDays: number, everyMs = 60 * 60_000): void {
  if (globalForJob.fuseOutboxRetention) return;
  const run = async () => {
    try {
      await runOutboxRetention(getDb(), retentionDays);
    } catch (err) {
      logger.error({ err }, 'live: outbox retention failed');
    }
  };
  setTimeout(() => void run(), Math.min(60_000, everyMs)).unref();
  globalForJob.fuseOutboxRetention = setInterval(() => void run(), everyMs);
  globalForJob.fuseOutboxRetention.unref();
}
