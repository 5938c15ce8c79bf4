import { sql } from 'drizzle-orm';
import type { ChangeKind } from '@/fuse/auth/read-access';
import type { AnyLiveEvent } from './events';
import type { Database } from '@/fuse/db/client';
import { outbox, outboxPruned } from './schema';
import { processSingleton } from '@/fuse/singleton';

export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/**
 * A domain's declared event (src/domains/<domain>/events.ts: its kind and payload type), whose
 * domain and kind are a pair of the read-access table, which says who may read it.
 */
export type ChangeInput = AnyLiveEvent & {
  businessId: string;
  entityId: string | number;
  mutationId?: string | null;
};

// Every declared event must have a reader rule, and every rule a declared event: a mismatch fails to compile here.
type Pair<E> = E extends { domain: infer D; kind: infer K } ? `${D & string}/${K & string}` : never;
const eventsMatchReadAccess: [Pair<AnyLiveEvent>] extends [Pair<ChangeKind>]
  ? [Pair<ChangeKind>] extends [Pair<AnyLiveEvent>]
    ? true
    : never
  : never = true;
void eventsMatchReadAccess;

export type Change = {
  id: number;
  businessId: string;
  domain: string;
  kind: string;
  entityId: string;
  data: unknown;
  mutationId: string | null;
  at: string;
};

/** Channel of the PostgreSQL NOTIFY that tells every app instance a business has new outbox rows. */
export const LIVE_CHANNEL = 'fuse_changes';

/**
 * Writes the change's outbox row inside the caller's transaction and queues a NOTIFY, which
 * PostgreSQL delivers only if and when that transaction commits.
 */
export async function recordChange(tx: Transaction, change: ChangeInput): Promise<number> {
  // One writer per business at a time from here to commit: a business's outbox ids are then handed
  // out in commit order, so "everything after id N" is an exact resume point for its streams (with
  // a plain sequence, a transaction that took id 10 could commit after one that took id 11, and a
  // stream resuming after 11 would never see 10). Mutations call this last, so the lock is brief.
  await tx.execute(sql`select pg_advisory_xact_lock(${sql.raw(String(OUTBOX_LOCK_CLASS))}, hashtext(${change.businessId}))`);
  const [row] = await tx
    .insert(outbox)
    .values({
      businessId: change.businessId,
      domain: change.domain,
      kind: change.kind,
      entityId: String(change.entityId),
      data: change.data as object,
      mutationId: change.mutationId ?? null,
    })
    .returning({ id: outbox.id });
  await tx.execute(sql`select pg_notify(${LIVE_CHANNEL}, ${`${change.businessId}:${row!.id}`})`);
  // Without a LISTEN connection (embedded database) the hub of this process hears of it directly;
  // it reads the row once the transaction has committed. A process singleton: every bundle shares it.
  processSingleton('liveLocal', (): { fuseLiveLocalNotify?: (businessId: string, id: number) => void } => ({})).fuseLiveLocalNotify?.(
    change.businessId,
    row!.id,
  );
  return row!.id;
}

/** Advisory-lock class of the outbox (the two-key form keeps it apart from other advisory locks). */
export const OUTBOX_LOCK_CLASS = 0x46555345; // "FUSE"

/**
 * The position a server render read its data at: the newest outbox id of the business. Read it
 * BEFORE the data: a change that lands in between is then replayed by the stream, not lost.
 */
export async function outboxPosition(db: Database, businessId: string): Promise<number> {
  const result = await db.execute<{ id: string | number | null }>(
    sql`select coalesce(max(id), 0) as id from ${outbox} where business_id = ${businessId}`,
  );
  return Number(result.rows[0]?.id ?? 0);
}

/**
 * Whether a stream of the business resuming after `after` may have lost rows to retention.
 * Retention deletes rows up to a recorded id but always keeps each business's newest row, so the
 * business's rows that were pruned all sit below its oldest remaining row.
 */
export async function prunedSince(db: Database, businessId: string, after: number): Promise<boolean> {
  const result = await db.execute<{ through: string | number | null; oldest: string | number | null }>(
    sql`select (select through from ${outboxPruned} where id = 1) as through,
               (select min(id) from ${outbox} where business_id = ${businessId}) as oldest`,
  );
  const through = Number(result.rows[0]?.through ?? 0);
  const oldest = result.rows[0]?.oldest;
  if (oldest === null || oldest === undefined) return false;
  return after < through && after + 1 < Number(oldest);
}

type ChangeRow = {
  id: string | number;
  business_id: string;
  domain: string;
  kind: string;
  entity_id: string;
  data: unknown;
  mutation_id: string | null;
  at: string | Date;
};

function toChange(r: ChangeRow): Change {
  return {
    id: Number(r.id),
    businessId: r.business_id,
    domain: r.domain,
    kind: r.kind,
    entityId: r.entity_id,
    data: typeof r.data === 'string' ? (JSON.parse(r.data) as unknown) : r.data,
    mutationId: r.mutation_id,
    at: r.at instanceof Date ? r.at.toISOString() : String(r.at),
  };
}

/** A business's changes after an outbox id, oldest first (one range scan of outbox_business_id_idx). */
export async function changesAfter(db: Database, businessId: string, after: number, limit: number): Promise<Change[]> {
  const result = await db.execute<ChangeRow>(
    sql`select id, business_id, domain, kind, entity_id, data, mutation_id, at from ${outbox}
        where business_id = ${businessId} and id > ${after} order by id limit ${limit}`,
  );
  return result.rows.map(toChange);
}
