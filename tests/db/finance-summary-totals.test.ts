import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { clients } from '@/domains/clients/schema';
import { createInvoice, updateInvoice } from '@/domains/finance/mutations';
import { financeSummary, type Scope } from '@/domains/finance/queries';
import { prepareRevenueWindows } from '@/domains/finance/windows';
import { businesses } from '@/fuse/auth/schema';
import type { Database } from '@/fuse/db/client';
import { ConflictError, ValidationError } from '@/fuse/http/errors';
import { describeEachDatabase } from '../setup/each-database';
import { referenceFinanceSummary } from './finance-summary-reference';

/*
 * The finance summary reads running totals kept by a trigger on invoices (drizzle/0007). Here random
 * sequences of invoice mutations — through the app (create, send, mark paid, mark overdue, edit a
 * draft) and straight in SQL (a bulk overdue sweep, deletes), with time zone changes and dropped
 * revenue windows in between — must leave the summary exactly equal to the reference query over
 * the invoices table, and the totals equal to a recount from the invoices.
 */

const TIME_ZONES = ['UTC', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Asia/Tokyo', 'America/New_York'];
const CURRENCIES = ['USD', 'EUR', 'JPY'];
const CLIENTS = 8;

const captainOf = (businessId: string): Scope => ({ businessId, rank: 'captain', userId: randomUUID() });

function dayOffset(days: number): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

async function makeBusiness(db: Database, timezone: string) {
  const [b] = await db
    .insert(businesses)
    .values({ name: `Totals ${randomUUID()}`, timezone })
    .returning();
  const rows = await db
    .insert(clients)
    .values(
      Array.from({ length: CLIENTS }, (_, i) => ({
        businessId: b!.id,
        email: `t${i}-${randomUUID()}@example.com`,
        firstName: `First${i}`,
        lastName: `Last${i}`,
        company: i % 2 ? `Company ${i}` : null,
      })),
    )
    .returning({ id: clients.id });
  return { businessId: b!.id, clientIds: rows.map((r) => r.id) };
}

type Row = Record<string, unknown>;

/** The totals of one business as stored, next to the same totals recounted from its invoices. */
async function storedAndRecounted(db: Database, businessId: string): Promise<{ stored: Row[][]; recounted: Row[][] }> {
  const q = async (query: ReturnType<typeof sql>) => (await db.execute<Row>(query)).rows;
  const stored = [
    await q(sql`select paid_on::text, currency, cents::text, invoices from finance_paid_days where business_id = ${businessId} order by 1, 2`),
    await q(sql`select due_on::text, currency, cents::text, invoices, marked_overdue_cents::text, marked_overdue_invoices
                  from finance_unpaid_days where business_id = ${businessId} order by 1, 2`),
    await q(sql`select first_month::text, currency, client_id::text, cents::text, invoices
                  from finance_client_revenue where business_id = ${businessId} order by 1, 2, 3`),
  ];
  const recounted = [
    await q(sql`select paid_on::text, currency, sum(amount_cents)::text as cents, count(*)::int as invoices
                  from invoices where business_id = ${businessId} and status = 'paid' group by 1, 2 order by 1, 2`),
    await q(sql`select due_on::text, currency, sum(amount_cents)::text as cents, count(*)::int as invoices,
                       coalesce(sum(amount_cents) filter (where status = 'overdue'), 0)::text as marked_overdue_cents,
                       (count(*) filter (where status = 'overdue'))::int as marked_overdue_invoices
                  from invoices where business_id = ${businessId} and status in ('sent', 'overdue') group by 1, 2 order by 1, 2`),
    await q(sql`select w.first_month::text, i.currency, i.client_id::text, sum(i.amount_cents)::text as cents, count(*)::int as invoices
                  from finance_revenue_windows w
                  join invoices i on i.business_id = w.business_id and i.status = 'paid'
                   and i.paid_on >= w.first_month and i.paid_on < w.first_month + interval '12 months'
                 where w.business_id = ${businessId} group by 1, 2, 3 order by 1, 2, 3`),
  ];
  return { stored, recounted };
}

async function expectSummaryExact(db: Database, scope: Scope) {
  const fast = await financeSummary(db, scope);
  expect(fast).toEqual(await referenceFinanceSummary(db, scope));
  for (const currency of new Set([...CURRENCIES, ...fast.currencies])) {
    expect(await financeSummary(db, scope, { currency })).toEqual(await referenceFinanceSummary(db, scope, { currency }));
  }
  const { stored, recounted } = await storedAndRecounted(db, scope.businessId);
  expect(stored).toEqual(recounted);
}

const pick = fc.nat({ max: 1_000 });
const cents = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 500_000 }), fc.constantFrom(100, 5_000));
const create = fc.record({
  kind: fc.constant('create' as const),
  client: fc.nat({ max: CLIENTS - 1 }),
  cents,
  currency: fc.constantFrom(...CURRENCIES),
  status: fc.constantFrom('draft' as const, 'sent' as const, 'sent' as const),
  issued: fc.oneof(fc.integer({ min: -420, max: 5 }), fc.integer({ min: -40, max: 0 })),
  dueAfter: fc.integer({ min: 0, max: 60 }),
  /** Due yesterday, today or tomorrow (UTC), whatever the issue day: overdue starts after "today". */
  dueNearToday: fc.option(fc.integer({ min: -2, max: 2 }), { nil: undefined }),
});
// Paid over a year ago to next month, often this month (before and after today), or (no date) today
// in the business's zone: the day "today" falls on decides what counts.
const paidDay = fc.option(fc.oneof(fc.integer({ min: -420, max: 40 }), fc.integer({ min: -20, max: 0 }), fc.integer({ min: 1, max: 6 })), {
  nil: undefined,
});
const command = fc.oneof(
  { weight: 3, arbitrary: create },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('send' as const), pick }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('markPaid' as const), pick, paid: paidDay }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('markOverdue' as const), pick }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('edit' as const),
      pick,
      cents,
      currency: fc.constantFrom(...CURRENCIES),
      client: fc.nat({ max: CLIENTS - 1 }),
      dueAfter: fc.integer({ min: 0, max: 90 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('timezone' as const), tz: fc.constantFrom(...TIME_ZONES) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('overdueSweep' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('dropWindow' as const) }) },
);
type Command = typeof command extends fc.Arbitrary<infer C> ? C : never;

async function run(db: Database, biz: Awaited<ReturnType<typeof makeBusiness>>, ids: number[], c: Command): Promise<void> {
  const scope = captainOf(biz.businessId);
  const id = 'pick' in c ? ids[c.pick % Math.max(1, ids.length)] : undefined;
  try {
    switch (c.kind) {
      case 'create': {
        const inv = await createInvoice(db, scope, {
          clientId: biz.clientIds[c.client],
          amountCents: c.cents,
          currency: c.currency,
          status: c.status,
          issuedOn: dayOffset(Math.min(c.issued, c.dueNearToday ?? c.issued)),
          dueOn: dayOffset(c.dueNearToday ?? c.issued + c.dueAfter),
        });
        ids.push(inv.id);
        return;
      }
      case 'send':
      case 'markOverdue':
        if (id !== undefined) await updateInvoice(db, scope, id, { action: c.kind });
        return;
      case 'markPaid':
        if (id !== undefined)
          await updateInvoice(db, scope, id, { action: 'markPaid', ...(c.paid === undefined ? {} : { paidOn: dayOffset(c.paid) }) });
        return;
      case 'edit':
        if (id === undefined) return;
        await updateInvoice(db, scope, id, {
          amountCents: c.cents,
          currency: c.currency,
          clientId: biz.clientIds[c.client],
          dueOn: dayOffset(c.dueAfter - 45),
        });
        return;
      case 'timezone':
        // What the settings domain writes when a captain changes the time zone.
        await db.execute(sql`update businesses set timezone = ${c.tz} where id = ${biz.businessId}`);
        return;
      case 'overdueSweep':
        await db.execute(sql`update invoices set status = 'overdue', updated_at = now()
                              where business_id = ${biz.businessId} and status = 'sent' and due_on < current_date`);
        return;
      case 'delete':
        if (id !== undefined) {
          await db.execute(sql`delete from invoices where business_id = ${biz.businessId} and id = ${id}`);
          ids.splice(ids.indexOf(id), 1);
        }
        return;
      case 'dropWindow':
        await db.execute(sql`delete from finance_revenue_windows where business_id = ${biz.businessId}`);
        return;
    }
  } catch (err) {
    // Transitions the app refuses (send a paid invoice, edit a sent one, due before issued) are part of the game.
    if (err instanceof ConflictError || err instanceof ValidationError) return;
    throw err;
  }
}

describeEachDatabase('finance: summary from running totals', ({ kind, db: getDb }) => {
  it('equals the reference query over the invoices after any sequence of invoice changes', async () => {
    const db = getDb();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...TIME_ZONES),
        fc.array(create, { minLength: 4, maxLength: 12 }),
        fc.array(command, { minLength: 5, maxLength: 40 }),
        async (tz, first, then) => {
          const biz = await makeBusiness(db, tz);
          const scope = captainOf(biz.businessId);
          const ids: number[] = [];
          for (const [i, c] of [...first, ...then].entries()) {
            await run(db, biz, ids, c);
            if (i % 5 === 4) expect(await financeSummary(db, scope)).toEqual(await referenceFinanceSummary(db, scope));
          }
          await expectSummaryExact(db, scope);
        },
      ),
      { numRuns: kind === 'pglite' ? 25 : 40 },
    );
  }, 120_000);

  it('keeps exact totals when many invoices of one business change at once', async () => {
    const db = getDb();
    const biz = await makeBusiness(db, 'UTC');
    const scope = captainOf(biz.businessId);
    const sent = [];
    for (let i = 0; i < 30; i++) {
      sent.push(
        await createInvoice(db, scope, {
          clientId: biz.clientIds[i % CLIENTS],
          amountCents: 1_000 + i,
          status: 'sent',
          issuedOn: dayOffset(-40 - (i % 3)),
          dueOn: dayOffset(-10 - (i % 3)),
        }),
      );
    }
    await financeSummary(db, scope);
    // Payments on three days (so writers collide on the same totals rows), new invoices, and a
    // revenue window being rebuilt while they run: nothing may be lost or counted twice.
    await db.execute(sql`delete from finance_revenue_windows where business_id = ${biz.businessId}`);
    await Promise.all([
      ...sent.map((inv, i) => updateInvoice(db, scope, inv.id, { action: 'markPaid', paidOn: dayOffset(-(i % 3)) })),
      ...Array.from({ length: 10 }, (_, i) =>
        createInvoice(db, scope, { clientId: biz.clientIds[i % CLIENTS], amountCents: 7_000 + i, status: 'sent', number: `C-${i}` }),
      ),
      financeSummary(db, scope),
      financeSummary(db, scope),
    ]);
    await expectSummaryExact(db, scope);
    const s = await financeSummary(db, scope);
    expect(s.outstandingCount).toBe(10);
    expect(s.revenueByMonth.reduce((sum, m) => sum + m.cents, 0)).toBe(sent.reduce((sum, inv) => sum + inv.amountCents, 0));
  }, 60_000);

  it('rebuilds the totals from the invoices, and clears them with the invoices', async () => {
    const db = getDb();
    const biz = await makeBusiness(db, 'Asia/Tokyo');
    const scope = captainOf(biz.businessId);
    const inv = await createInvoice(db, scope, { clientId: biz.clientIds[0], amountCents: 4_200, status: 'sent' });
    await updateInvoice(db, scope, inv.id, { action: 'markPaid' });
    await createInvoice(db, scope, { clientId: biz.clientIds[1], amountCents: 900, status: 'sent' });
    const before = await financeSummary(db, scope);
    expect(before).toMatchObject({ revenueThisMonthCents: 4_200, outstandingCents: 900 });
    // A damaged total is repaired by the rebuild (what `fuse finance-rebuild` runs).
    await db.execute(sql`update finance_paid_days set cents = cents + 1 where business_id = ${biz.businessId}`);
    expect((await financeSummary(db, scope)).revenueThisMonthCents).toBe(4_201);
    await db.execute(sql`select finance_rebuild_totals()`);
    expect(await financeSummary(db, scope)).toEqual(before);
    await expectSummaryExact(db, scope);
    // Deleting the business takes its invoices and totals with it.
    await db.execute(sql`delete from businesses where id = ${biz.businessId}`);
    const left = await db.execute<{ n: number }>(sql`select ((select count(*) from finance_paid_days where business_id = ${biz.businessId})
      + (select count(*) from finance_unpaid_days where business_id = ${biz.businessId})
      + (select count(*) from finance_client_revenue where business_id = ${biz.businessId}))::int as n`);
    expect(left.rows[0]!.n).toBe(0);
  });
  it("builds next month's revenue window in the business's last days of the month, keeps it current, and drops old ones", async () => {
    const db = getDb();
    const windowsOf = async (businessId: string) =>
      (
        await db.execute<{ m: string }>(sql`select first_month::text as m from finance_revenue_windows where business_id = ${businessId} order by 1`)
      ).rows.map((r) => r.m);
    // The month as Tokyo's calendar has it now: the summary below builds Tokyo's window for its own
    // today, so in the last hours of a UTC month (already the 1st in Tokyo) a UTC month would be off by one.
    const [ty, tm] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit' })
      .format(new Date())
      .split('-')
      .map(Number);
    const [y, m] = [ty!, tm! - 1];
    const iso = (d: number) => new Date(d).toISOString().slice(0, 10);
    const nextWindow = iso(Date.UTC(y, m - 10, 1));

    const tokyo = await makeBusiness(db, 'Asia/Tokyo');
    const pagoPago = await makeBusiness(db, 'Pacific/Pago_Pago');
    const kiritimati = await makeBusiness(db, 'Pacific/Kiritimati');
    for (const biz of [tokyo, pagoPago, kiritimati]) {
      const scope = captainOf(biz.businessId);
      for (const [i, paidDaysAgo] of [3, 40, 200, 320].entries()) {
        const inv = await createInvoice(db, scope, {
          clientId: biz.clientIds[i],
          amountCents: 1_000 * (i + 1),
          status: 'sent',
          issuedOn: dayOffset(-330),
        });
        await updateInvoice(db, scope, inv.id, { action: 'markPaid', paidOn: dayOffset(-paidDaysAgo) });
      }
    }
    const built = async (asOf: Date) => (await prepareRevenueWindows(db, { asOf, horizonDays: 0 })).businesses;

    // Mid-month nowhere: nothing to build for these.
    const midMonth = (await prepareRevenueWindows(db, { asOf: new Date(Date.UTC(y, m, 10, 12)) })).businesses;
    for (const biz of [tokyo, pagoPago, kiritimati]) expect(midMonth).not.toContain(biz.businessId);

    // Each business's own calendar decides. 05:00 UTC on the 1st is still the last day in Pago Pago
    // (UTC−11), already the 1st in Tokyo (UTC+9) and Kiritimati (UTC+14).
    const firstAt5 = await built(new Date(Date.UTC(y, m + 1, 1, 5)));
    expect(firstAt5).toContain(pagoPago.businessId);
    expect(firstAt5).not.toContain(tokyo.businessId);
    expect(firstAt5).not.toContain(kiritimati.businessId);
    // 11:00 UTC on the last day is 20:00 in Tokyo (last day), 01:00 on the 1st in Kiritimati.
    // Tokyo's window in use today (a summary builds it) must survive the preparation of next month's.
    await financeSummary(db, captainOf(tokyo.businessId));
    const tokyoInUse = await windowsOf(tokyo.businessId);
    const lastAt11 = await built(new Date(Date.UTC(y, m + 1, 0, 11)));
    expect(lastAt11).toContain(tokyo.businessId);
    expect(lastAt11).not.toContain(kiritimati.businessId);
    expect(lastAt11).not.toContain(pagoPago.businessId); // built already
    for (const biz of [tokyo, pagoPago]) expect(await windowsOf(biz.businessId)).toContain(nextWindow);
    expect(await windowsOf(kiritimati.businessId)).not.toContain(nextWindow);
    for (const w of tokyoInUse) expect(await windowsOf(tokyo.businessId)).toContain(w);

    // The prepared window is kept current by later payments, and today's summary (which builds the
    // current window when it is missing) neither drops it nor differs from the reference.
    for (const biz of [tokyo, pagoPago]) {
      const scope = captainOf(biz.businessId);
      const inv = await createInvoice(db, scope, { clientId: biz.clientIds[5], amountCents: 777, status: 'sent' });
      await updateInvoice(db, scope, inv.id, { action: 'markPaid' });
      await expectSummaryExact(db, scope);
      // (the summary built this month's window, or found it: it never drops next month's)
      expect(await windowsOf(biz.businessId)).toContain(nextWindow);
    }

    // Two months on, both windows are out of use and dropped.
    const later = await prepareRevenueWindows(db, { asOf: new Date(Date.UTC(y, m + 2, 10, 12)) });
    expect(later.dropped).toBeGreaterThanOrEqual(4);
    expect(await windowsOf(tokyo.businessId)).toEqual([]);
    expect(await windowsOf(pagoPago.businessId)).toEqual([]);
    const { stored, recounted } = await storedAndRecounted(db, tokyo.businessId);
    expect(stored).toEqual(recounted);
  }, 60_000);
});
