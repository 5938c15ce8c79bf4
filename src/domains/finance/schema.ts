import { sql } from 'drizzle-orm';
import { bigint, check, date, foreignKey, index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { businesses } from '@/fuse/auth/schema';
import { clientRef } from './client-ref';

export const INVOICE_STATUSES = ['draft', 'sent', 'paid', 'overdue'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

// The invoice's client must be in the same business. Domains never import each other, so the key
// points at the clients table through finance's own reference to it.
export const invoices = pgTable(
  'invoices',
  {
    businessId: uuid('business_id')
      .notNull()
      .references(() => businesses.id, { onDelete: 'cascade' }),
    // The keyset of the invoice list, like clients: growing, never reused.
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    clientId: bigint('client_id', { mode: 'number' }).notNull(),
    number: text('number').notNull(),
    /** Integer cents: money never passes through a float. */
    amountCents: bigint('amount_cents', { mode: 'number' }).notNull(),
    currency: text('currency').notNull().default('USD'),
    status: text('status', { enum: INVOICE_STATUSES }).notNull().default('draft'),
    issuedOn: date('issued_on', { mode: 'string' }).notNull(),
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    paidOn: date('paid_on', { mode: 'string' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.businessId, t.id] }),
    // The client must belong to the same business: the key carries the business, so a foreign
    // business's client id cannot satisfy it (and it co-locates under Citus).
    foreignKey({
      name: 'invoices_client_fk',
      columns: [t.businessId, t.clientId],
      foreignColumns: [clientRef.businessId, clientRef.id],
    }),
    uniqueIndex('invoices_business_number_unique').on(t.businessId, t.number),
    // The list, newest first, optionally by status: one index range scan per page.
    index('invoices_by_status').on(t.businessId, t.status, t.id),
    // The finance summary: paid revenue by month, currency and client, read from the index alone
    // (an index-only scan of the last 12 months of paid invoices).
    index('invoices_paid_by_month').on(t.businessId, t.paidOn, t.currency, t.clientId, t.amountCents).where(sql`status = 'paid'`),
    // Outstanding and overdue totals by currency: only unpaid invoices, a small part of the table.
    index('invoices_unpaid_by_due').on(t.businessId, t.dueOn, t.currency, t.amountCents).where(sql`status in ('sent', 'overdue')`),
    index('invoices_by_client').on(t.businessId, t.clientId, t.id),
    check('invoices_amount_nonnegative', sql`${t.amountCents} >= 0`),
    check('invoices_currency_iso', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check('invoices_paid_has_date', sql`(${t.status} = 'paid') = (${t.paidOn} is not null)`),
  ],
);

export type Invoice = typeof invoices.$inferSelect;
export type NewInvoice = typeof invoices.$inferInsert;
