import { bigint, doublePrecision, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Platform-wide operations data (not tenant data): read only by the admiral's operations page.
 * Errors are grouped by fingerprint: one row per distinct error with its count and last occurrence.
 */
export const errorGroups = pgTable(
  'error_groups',
  {
    fingerprint: text('fingerprint').primaryKey(),
    source: text('source', { enum: ['server', 'browser'] }).notNull(),
    name: text('name').notNull(),
    message: text('message').notNull(),
    stack: text('stack'),
    /** The page or route of the latest occurrence. */
    path: text('path'),
    count: integer('count').notNull().default(1),
    firstSeen: timestamp('first_seen', { withTimezone: true }).notNull().defaultNow(),
    lastSeen: timestamp('last_seen', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('error_groups_last_seen_idx').on(t.lastSeen)],
);

/** One row per reported web-vital measurement (sampled by VITALS_SAMPLE_RATE), per page. */
export const webVitals = pgTable(
  'web_vitals',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    page: text('page').notNull(),
    name: text('name').notNull(),
    value: doublePrecision('value').notNull(),
    rating: text('rating'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('web_vitals_at_idx').on(t.at), index('web_vitals_page_name_at_idx').on(t.page, t.name, t.at)],
);

export type ErrorGroup = typeof errorGroups.$inferSelect;
export type WebVital = typeof webVitals.$inferSelect;
