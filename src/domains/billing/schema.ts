import { bigint, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Stripe events applied, by event id: the gate that applies a delivery once. Inserted in the same
 * transaction as the change it made (`on conflict do nothing`), so of two concurrent deliveries of
 * one event exactly one inserts the row and applies it. Platform-wide (event ids are Stripe's), the
 * business it touched kept for support.
 */
export const billingEvents = pgTable('billing_events', {
  id: text('id').primaryKey(),
  type: text('type').notNull(),
  businessId: uuid('business_id'),
  created: bigint('created', { mode: 'number' }).notNull(),
  /** What applying it did: `applied`, or why nothing changed (`stale`, `unknown business`, `ignored`). */
  outcome: text('outcome').notNull(),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
});
