import { sql } from 'drizzle-orm';
import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '@/fuse/auth/schema';

/**
 * One row per signed-in device: the server-side identity behind a session cookie (its `sid`).
 * Signing out sets `revoked_at`; `expires_at` is the absolute end no refresh goes past. User agent
 * and a coarse address are kept so the user can tell their sessions apart.
 */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    userAgent: text('user_agent'),
    /** The client address cut to its network (/24 for IPv4, /48 for IPv6): enough to recognise, not to locate. */
    ipSummary: text('ip_summary'),
  },
  (t) => [
    index('sessions_user_idx').on(t.userId),
    // An instance that starts reads the revoked sessions that could still be presented.
    index('sessions_revoked_idx')
      .on(t.expiresAt)
      .where(sql`${t.revokedAt} is not null`),
  ],
);

export type SessionRow = typeof sessions.$inferSelect;
