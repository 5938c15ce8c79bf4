import { sql } from 'drizzle-orm';
import { bigint, index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { businesses } from '@/fuse/auth/schema';
import { CLIENT_STATUSES } from './statuses';

export const clients = pgTable(
  'clients',
  {
    businessId: uuid('business_id')
      .notNull()
      .references(() => businesses.id, { onDelete: 'cascade' }),
    // A growing identity is the keyset: it never changes and never repeats, so pages stay stable
    // while rows are inserted or edited.
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    email: text('email').notNull(),
    firstName: text('first_name').notNull(),
    lastName: text('last_name').notNull(),
    status: text('status', { enum: CLIENT_STATUSES }).notNull().default('active'),
    phone: text('phone'),
    company: text('company'),
    notes: text('notes'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.businessId, t.id] }),
    // The seed's three indexes: by business, by email, by (business, status). The status index ends
    // with the keyset column so a filtered page is one index range scan.
    index('clients_by_business').on(t.businessId, t.createdAt),
    index('clients_by_email').on(t.email),
    index('clients_by_status').on(t.businessId, t.status, t.id),
    uniqueIndex('clients_business_email_unique').on(t.businessId, sql`lower(${t.email})`),
  ],
);

export type Client = typeof clients.$inferSelect;
export type NewClient = typeof clients.$inferInsert;
