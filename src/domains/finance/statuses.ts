/**
 * The statuses an invoice can have, in the order the filters list them.
 * Its own module, free of the database schema: the browser's views import it, and importing
 * `schema.ts` would ship the ORM's table builders to every page (`npm run budget` checks).
 */
export const INVOICE_STATUSES = ['draft', 'sent', 'paid', 'overdue'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];
