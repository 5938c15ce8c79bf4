DROP INDEX "invoices_paid_revenue";--> statement-breakpoint
DROP INDEX "invoices_unpaid";--> statement-breakpoint
CREATE INDEX "invoices_paid_by_month" ON "invoices" USING btree ("business_id","paid_on","currency","client_id","amount_cents") WHERE status = 'paid';--> statement-breakpoint
CREATE INDEX "invoices_unpaid_by_due" ON "invoices" USING btree ("business_id","due_on","currency","amount_cents") WHERE status in ('sent', 'overdue');