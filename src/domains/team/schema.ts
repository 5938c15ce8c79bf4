import { bigint, index, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { businesses, RANKS, users } from '@/fuse/auth/schema';

/**
 * Invitations to join a business. The link carries `<businessId>.<id>.<secret>`: it is looked up by
 * its primary key (business first, Citus-ready) and only the secret's SHA-256 is stored, so the
 * table never holds a usable link.
 */
export const invites = pgTable(
  'invites',
  {
    businessId: uuid('business_id')
      .notNull()
      .references(() => businesses.id, { onDelete: 'cascade' }),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    email: text('email').notNull(),
    rank: text('rank', { enum: RANKS }).notNull(),
    secretHash: text('secret_hash').notNull(),
    invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.businessId, t.id] }), index('invites_by_email').on(t.businessId, t.email)],
);

export type Invite = typeof invites.$inferSelect;
