CREATE TABLE "finance_client_revenue" (
	"business_id" uuid NOT NULL,
	"first_month" date NOT NULL,
	"currency" text NOT NULL,
	"client_id" bigint NOT NULL,
	"cents" bigint NOT NULL,
	"invoices" integer NOT NULL,
	CONSTRAINT "finance_client_revenue_business_id_first_month_currency_client_id_pk" PRIMARY KEY("business_id","first_month","currency","client_id")
);
--> statement-breakpoint
CREATE TABLE "finance_paid_days" (
	"business_id" uuid NOT NULL,
	"paid_on" date NOT NULL,
	"currency" text NOT NULL,
	"cents" bigint NOT NULL,
	"invoices" integer NOT NULL,
	CONSTRAINT "finance_paid_days_business_id_paid_on_currency_pk" PRIMARY KEY("business_id","paid_on","currency")
);
--> statement-breakpoint
CREATE TABLE "finance_revenue_windows" (
	"business_id" uuid NOT NULL,
	"first_month" date NOT NULL,
	"built_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "finance_revenue_windows_business_id_first_month_pk" PRIMARY KEY("business_id","first_month")
);
--> statement-breakpoint
CREATE TABLE "finance_unpaid_days" (
	"business_id" uuid NOT NULL,
	"due_on" date NOT NULL,
	"currency" text NOT NULL,
	"cents" bigint NOT NULL,
	"invoices" integer NOT NULL,
	"marked_overdue_cents" bigint NOT NULL,
	"marked_overdue_invoices" integer NOT NULL,
	CONSTRAINT "finance_unpaid_days_business_id_due_on_currency_pk" PRIMARY KEY("business_id","due_on","currency")
);
--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "last_switched_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "finance_client_revenue" ADD CONSTRAINT "finance_client_revenue_window_fk" FOREIGN KEY ("business_id","first_month") REFERENCES "public"."finance_revenue_windows"("business_id","first_month") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "finance_paid_days" ADD CONSTRAINT "finance_paid_days_business_id_businesses_id_fk" FOREIGN KEY ("business_id") REFERENCES "public"."businesses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "finance_revenue_windows" ADD CONSTRAINT "finance_revenue_windows_business_id_businesses_id_fk" FOREIGN KEY ("business_id") REFERENCES "public"."businesses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "finance_unpaid_days" ADD CONSTRAINT "finance_unpaid_days_business_id_businesses_id_fk" FOREIGN KEY ("business_id") REFERENCES "public"."businesses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "finance_client_revenue_top" ON "finance_client_revenue" USING btree ("business_id","first_month","currency","cents" DESC NULLS LAST,"client_id");