import { sql } from 'drizzle-orm';
import { bigint, check, date, foreignKey, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { businesses } from '@/fuse/auth/schema';
import { clients } from '@/domains/clients';
import { INVOICE_STATUSES } from './statuses';

// The invoice's client must be in the same business: the key points at the clients table, which
// finance takes from the clients domain's public surface (src/domains/clients/index.ts).
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
      foreignColumns: [clients.businessId, clients.id],
    }),
    uniqueIndex('invoices_business_number_unique').on(t.businessId, t.number),
    // The list, newest first, optionally by status: one index range scan per page.
    index('invoices_by_status').on(t.businessId, t.status, t.id),
    // Paid invoices by day, read from the index alone: building a revenue window (12 months of them)
    // and the summary's "paid later this month" correction. The summary itself reads the totals below.
    index('invoices_paid_by_month')
      .on(t.businessId, t.paidOn, t.currency, t.clientId, t.amountCents)
      .where(sql`status = 'paid'`),
    index('invoices_by_client').on(t.businessId, t.clientId, t.id),
    check('invoices_amount_nonnegative', sql`${t.amountCents} >= 0`),
    check('invoices_currency_iso', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check('invoices_paid_has_date', sql`(${t.status} = 'paid') = (${t.paidOn} is not null)`),
  ],
);

export type Invoice = typeof invoices.$inferSelect;
export type NewInvoice = typeof invoices.$inferInsert;

/*
 * Running totals behind the finance summary, so the page never aggregates a year of invoices.
 * They are derived data: a statement-level trigger on `invoices` (drizzle/0007, function
 * finance_apply_invoice_changes) keeps them in the same transaction as every insert, update and
 * delete of invoices, whoever writes them (the app, the seeds, a cascade), with additive upserts so
 * concurrent writers never lose an update. `select finance_rebuild_totals()` (or `npm run fuse --
 * finance-rebuild`) recomputes them from the invoices. Keys are calendar dates as stored on the
 * invoice, never instants, so a change of the business's time zone changes nothing here: only
 * "today" moves, and the summary reads it at query time. A row whose count reaches 0 is deleted.
 * No CHECK (x >= 0) here: an upsert checks the proposed row, and a delta may be negative.
 */

/** Paid invoices per business, payment day and currency. */
export const financePaidDays = pgTable(
  'finance_paid_days',
  {
    businessId: uuid('business_id')
      .notNull()
      .references(() => businesses.id, { onDelete: 'cascade' }),
    paidOn: date('paid_on', { mode: 'string' }).notNull(),
    currency: text('currency').notNull(),
    cents: bigint('cents', { mode: 'number' }).notNull(),
    invoices: integer('invoices').notNull(),
  },
  (t) => [primaryKey({ columns: [t.businessId, t.paidOn, t.currency] })],
);

/**
 * Unpaid (sent or overdue) invoices per business, due day and currency. "Overdue" depends on today
 * (due before today, or marked overdue), so the summary adds the days before today to the invoices
 * marked overdue on or after it: a few hundred rows at most, read at query time.
 */
export const financeUnpaidDays = pgTable(
  'finance_unpaid_days',
  {
    businessId: uuid('business_id')
      .notNull()
      .references(() => businesses.id, { onDelete: 'cascade' }),
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    currency: text('currency').notNull(),
    cents: bigint('cents', { mode: 'number' }).notNull(),
    invoices: integer('invoices').notNull(),
    /** The part of the above whose status is `overdue` (marked so, whatever the due day). */
    markedOverdueCents: bigint('marked_overdue_cents', { mode: 'number' }).notNull(),
    markedOverdueInvoices: integer('marked_overdue_invoices').notNull(),
  },
  (t) => [primaryKey({ columns: [t.businessId, t.dueOn, t.currency] })],
);

/**
 * The 12-month windows (by first month) whose per-client revenue is kept in finance_client_revenue.
 * The window moves once a month (or when the time zone moves "today" across a month), so it is
 * built on the first summary of the month and then kept by the trigger like the other totals.
 */
export const financeRevenueWindows = pgTable(
  'finance_revenue_windows',
  {
    businessId: uuid('business_id')
      .notNull()
      .references(() => businesses.id, { onDelete: 'cascade' }),
    firstMonth: date('first_month', { mode: 'string' }).notNull(),
    builtAt: timestamp('built_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.businessId, t.firstMonth] })],
);

/** Paid revenue per client over one window (paid on or after first_month, before first_month + 12 months). */
export const financeClientRevenue = pgTable(
  'finance_client_revenue',
  {
    businessId: uuid('business_id').notNull(),
    firstMonth: date('first_month', { mode: 'string' }).notNull(),
    currency: text('currency').notNull(),
    clientId: bigint('client_id', { mode: 'number' }).notNull(),
    cents: bigint('cents', { mode: 'number' }).notNull(),
    invoices: integer('invoices').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.businessId, t.firstMonth, t.currency, t.clientId] }),
    foreignKey({
      name: 'finance_client_revenue_window_fk',
      columns: [t.businessId, t.firstMonth],
      foreignColumns: [financeRevenueWindows.businessId, financeRevenueWindows.firstMonth],
    }).onDelete('cascade'),
    // The top clients: the first rows of this index, in the summary's order.
    index('finance_client_revenue_top').on(t.businessId, t.firstMonth, t.currency, t.cents.desc(), t.clientId),
  ],
);
