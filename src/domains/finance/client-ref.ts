import { bigint, pgTable, text, uuid } from 'drizzle-orm/pg-core';

/**
 * The few columns of the clients table finance reads (client names on invoices and in "top
 * clients"). Finance joins the table in its own SQL instead of importing the clients domain, and
 * this file is not a schema file, so drizzle-kit never mistakes it for a second definition.
 */
export const clientRef = pgTable('clients', {
  businessId: uuid('business_id').notNull(),
  id: bigint('id', { mode: 'number' }).notNull(),
  firstName: text('first_name').notNull(),
  lastName: text('last_name').notNull(),
  company: text('company'),
  status: text('status').notNull(),
});
