import { sql } from 'drizzle-orm';
import type { Database } from '@/fuse/db/client';
import { outbox } from './schema';

export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

export type ChangeInput = {
  businessId: string;
  domain: string;
  kind: string;
  entityId: string | number;
  data: unknown;
  mutationId?: string | null;
};

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
  return row!.id;
}

/** The newest outbox id of a business: the position a server render read its data at. */
export async function outboxPosition(db: Database, businessId: string): Promise<number> {
  const result = await db.execute<{ id: string | number | null }>(
    sql`select max(id) as id from ${outbox} where business_id = ${businessId}`,
  );
  return Number(result.rows[0]?.id ?? 0);
}
