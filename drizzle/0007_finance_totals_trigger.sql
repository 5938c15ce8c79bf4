-- The finance totals (0006) are kept by one statement-level trigger on invoices, in the writer's
-- transaction, whoever writes (the app, the seeds, a cascade). A statement's rows arrive as
-- transition tables, so a bulk load costs one grouped upsert per totals table, not one per row.
-- Upserts add deltas (x = x + excluded.x), so concurrent writers never lose an update; rows are
-- written in key order to keep lock order stable; a row whose count reaches 0 is deleted.

-- The advisory lock that orders a writer of a business's paid invoices and the building of that
-- business's revenue window (writers share it; the builder in financeSummary takes it alone).
CREATE FUNCTION finance_window_lock_key(business uuid) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ select hashtextextended('fuse.finance.window:' || business::text, 0) $$;
--> statement-breakpoint
CREATE FUNCTION finance_apply_invoice_changes() RETURNS trigger
LANGUAGE plpgsql
AS $fn$
DECLARE
  cols constant text := 'business_id, client_id, amount_cents, currency, status, due_on, paid_on';
  changes text;
  paid_businesses int;
BEGIN
  changes := CASE TG_OP
    WHEN 'INSERT' THEN format('select 1 as sign, %s from new_rows', cols)
    WHEN 'DELETE' THEN format('select -1 as sign, %s from old_rows', cols)
    ELSE format('select 1 as sign, %1$s from new_rows union all select -1, %1$s from old_rows', cols)
  END;

  -- Paid invoices by day paid. (A business deleted in this statement's cascade takes its rows along.)
  EXECUTE format($q$
    insert into finance_paid_days as t (business_id, paid_on, currency, cents, invoices)
    select d.business_id, d.paid_on, d.currency, sum(d.sign * d.amount_cents)::bigint, sum(d.sign)::int
      from (%s) d
     where d.status = 'paid' and exists (select 1 from businesses b where b.id = d.business_id)
     group by 1, 2, 3
    having sum(d.sign) <> 0 or sum(d.sign * d.amount_cents) <> 0
     order by 1, 2, 3
    on conflict (business_id, paid_on, currency) do update
       set cents = t.cents + excluded.cents, invoices = t.invoices + excluded.invoices
  $q$, changes);

  -- Unpaid invoices by due day, with the part marked overdue.
  EXECUTE format($q$
    insert into finance_unpaid_days as t (business_id, due_on, currency, cents, invoices, marked_overdue_cents, marked_overdue_invoices)
    select d.business_id, d.due_on, d.currency,
           sum(d.sign * d.amount_cents)::bigint, sum(d.sign)::int,
           coalesce(sum(d.sign * d.amount_cents) filter (where d.status = 'overdue'), 0)::bigint,
           coalesce(sum(d.sign) filter (where d.status = 'overdue'), 0)::int
      from (%s) d
     where d.status in ('sent', 'overdue') and exists (select 1 from businesses b where b.id = d.business_id)
     group by 1, 2, 3
    having sum(d.sign) <> 0 or sum(d.sign * d.amount_cents) <> 0
        or sum(d.sign) filter (where d.status = 'overdue') <> 0
        or sum(d.sign * d.amount_cents) filter (where d.status = 'overdue') <> 0
     order by 1, 2, 3
    on conflict (business_id, due_on, currency) do update
       set cents = t.cents + excluded.cents, invoices = t.invoices + excluded.invoices,
           marked_overdue_cents = t.marked_overdue_cents + excluded.marked_overdue_cents,
           marked_overdue_invoices = t.marked_overdue_invoices + excluded.marked_overdue_invoices
  $q$, changes);

  -- Revenue per client, in every window already built for the business (usually the current one).
  EXECUTE format('select count(distinct business_id) from (%s) d where d.status = ''paid''', changes) INTO paid_businesses;
  IF paid_businesses > 0 THEN
    IF paid_businesses <= 16 THEN
      EXECUTE format(
        'select pg_advisory_xact_lock_shared(finance_window_lock_key(k.business_id))
           from (select distinct business_id from (%s) d where d.status = ''paid'' order by 1) k', changes);
    ELSE
      -- A bulk load: one table lock instead of thousands of advisory locks (builders insert into it).
      LOCK TABLE finance_revenue_windows IN SHARE MODE;
    END IF;
    EXECUTE format($q$
      insert into finance_client_revenue as t (business_id, first_month, currency, client_id, cents, invoices)
      select w.business_id, w.first_month, d.currency, d.client_id, sum(d.sign * d.amount_cents)::bigint, sum(d.sign)::int
        from (%s) d
        join finance_revenue_windows w
          on w.business_id = d.business_id and d.paid_on >= w.first_month and d.paid_on < w.first_month + interval '12 months'
       where d.status = 'paid'
       group by 1, 2, 3, 4
      having sum(d.sign) <> 0 or sum(d.sign * d.amount_cents) <> 0
       order by 1, 2, 3, 4
      on conflict (business_id, first_month, currency, client_id) do update
         set cents = t.cents + excluded.cents, invoices = t.invoices + excluded.invoices
    $q$, changes);
  END IF;

  IF TG_OP <> 'INSERT' THEN
    EXECUTE format($q$
      delete from finance_paid_days t using (select distinct business_id, paid_on, currency from (%s) d where d.status = 'paid') k
       where t.business_id = k.business_id and t.paid_on = k.paid_on and t.currency = k.currency and t.invoices = 0
    $q$, changes);
    EXECUTE format($q$
      delete from finance_unpaid_days t using (select distinct business_id, due_on, currency from (%s) d where d.status in ('sent', 'overdue')) k
       where t.business_id = k.business_id and t.due_on = k.due_on and t.currency = k.currency and t.invoices = 0
    $q$, changes);
    IF paid_businesses > 0 THEN
      EXECUTE format($q$
        delete from finance_client_revenue t using (select distinct business_id, currency, client_id from (%s) d where d.status = 'paid') k
         where t.business_id = k.business_id and t.currency = k.currency and t.client_id = k.client_id and t.invoices = 0
      $q$, changes);
    END IF;
  END IF;
  RETURN NULL;
END
$fn$;
--> statement-breakpoint
-- Recomputes every total from the invoices (the backfill below, and `fuse finance-rebuild`).
-- Writers of invoices wait for it; readers do not. Revenue windows are rebuilt by the next summary.
CREATE FUNCTION finance_rebuild_totals() RETURNS void
LANGUAGE plpgsql
AS $fn$
BEGIN
  LOCK TABLE invoices IN SHARE MODE;
  DELETE FROM finance_revenue_windows;
  DELETE FROM finance_paid_days;
  DELETE FROM finance_unpaid_days;
  INSERT INTO finance_paid_days (business_id, paid_on, currency, cents, invoices)
  SELECT business_id, paid_on, currency, sum(amount_cents)::bigint, count(*)::int
    FROM invoices WHERE status = 'paid' GROUP BY 1, 2, 3;
  INSERT INTO finance_unpaid_days (business_id, due_on, currency, cents, invoices, marked_overdue_cents, marked_overdue_invoices)
  SELECT business_id, due_on, currency, sum(amount_cents)::bigint, count(*)::int,
         coalesce(sum(amount_cents) filter (where status = 'overdue'), 0)::bigint, (count(*) filter (where status = 'overdue'))::int
    FROM invoices WHERE status in ('sent', 'overdue') GROUP BY 1, 2, 3;
END
$fn$;
--> statement-breakpoint
CREATE FUNCTION finance_clear_totals() RETURNS trigger
LANGUAGE plpgsql
AS $fn$
BEGIN
  DELETE FROM finance_revenue_windows;
  DELETE FROM finance_paid_days;
  DELETE FROM finance_unpaid_days;
  RETURN NULL;
END
$fn$;
--> statement-breakpoint
CREATE TRIGGER finance_totals_insert AFTER INSERT ON invoices
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION finance_apply_invoice_changes();
--> statement-breakpoint
CREATE TRIGGER finance_totals_update AFTER UPDATE ON invoices
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION finance_apply_invoice_changes();
--> statement-breakpoint
CREATE TRIGGER finance_totals_delete AFTER DELETE ON invoices
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION finance_apply_invoice_changes();
--> statement-breakpoint
CREATE TRIGGER finance_totals_truncate AFTER TRUNCATE ON invoices
  FOR EACH STATEMENT EXECUTE FUNCTION finance_clear_totals();
--> statement-breakpoint
SELECT finance_rebuild_totals();
--> statement-breakpoint
-- Derived data: the per-business export leaves these out (src/fuse/backup/export.ts); backups keep them.
COMMENT ON TABLE finance_paid_days IS 'fuse:derived from invoices by finance_apply_invoice_changes()';
--> statement-breakpoint
COMMENT ON TABLE finance_unpaid_days IS 'fuse:derived from invoices by finance_apply_invoice_changes()';
--> statement-breakpoint
COMMENT ON TABLE finance_revenue_windows IS 'fuse:derived: revenue windows built by the finance summary';
--> statement-breakpoint
COMMENT ON TABLE finance_client_revenue IS 'fuse:derived from invoices by finance_apply_invoice_changes()';
