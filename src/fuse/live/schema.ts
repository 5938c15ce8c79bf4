import { bigint, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * The outbox: one row per change, written in the same transaction as the change itself, so a
 * committed change always has its event and a rolled-back one never does. Its id is the live
 * stream's event id.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    businessId: uuid('business_id').notNull(),
    domain: text('domain').notNull(),
    kind: text('kind').notNull(),
    entityId: text('entity_id').notNull(),
    data: jsonb('data').notNull(),
    mutationId: text('mutation_id'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('outbox_business_id_idx').on(t.businessId, t.id), index('outbox_at_idx').on(t.at)],
);

export type OutboxRow = typeof outbox.$inferSelect;
