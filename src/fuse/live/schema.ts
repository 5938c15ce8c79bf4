import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

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

/**
 * How far retention has pruned the outbox: rows with an id at or below `through` are gone (except
 * each business's newest row), so a stream resuming from before them must reload instead.
 * A single row (`id` = 1).
 */
export const outboxPruned = pgTable('outbox_pruned', {
  id: integer('id').primaryKey(),
  through: bigint('through', { mode: 'number' }).notNull(),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Idempotent creates: the response to the first request with a key, stored in the same transaction
 * as the row it created. A retry with the key gets the stored response; a different body is refused.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    businessId: uuid('business_id').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    status: integer('status').notNull(),
    response: jsonb('response'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.businessId, t.key] }), index('idempotency_keys_created_at_idx').on(t.createdAt)],
);
