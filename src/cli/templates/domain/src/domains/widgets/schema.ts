import { bigint, index, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { businesses } from '@/fuse/auth/schema';
import { WIDGET_STATUSES } from './statuses';

export const widgets = pgTable(
  'widgets',
  {
    businessId: uuid('business_id')
      .notNull()
      .references(() => businesses.id, { onDelete: 'cascade' }),
    // A growing identity is the keyset: it never changes and never repeats, so pages stay stable.
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    status: text('status', { enum: WIDGET_STATUSES }).notNull().default('active'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // A page of one status is one range scan of this index.
  (t) => [primaryKey({ columns: [t.businessId, t.id] }), index('widgets_by_status').on(t.businessId, t.status, t.id)],
);

export type WidgetRecord = typeof widgets.$inferSelect;
