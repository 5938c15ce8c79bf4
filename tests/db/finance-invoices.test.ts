import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { clients } from '@/domains/clients/schema';
import { createInvoice, updateInvoice } from '@/domains/finance/mutations';
import { financeSummary, getInvoice, listInvoices, type Scope } from '@/domains/finance/queries';
import { invoices } from '@/domains/finance/schema';
import { businesses } from '@/fuse/auth/schema';
import type { Database } from '@/fuse/db/client';
import { ConflictError, NotFoundError, ValidationError } from '@/fuse/http/errors';
import { outbox } from '@/fuse/live/schema';
import { ForbiddenError } from '@/fuse/session/errors';
import { describeEachDatabase } from '../setup/each-database';
import { thrown } from '../setup/thrown';

async function makeBusiness(db: Database, timezone = 'UTC') {
  const [b] = await db
    .insert(businesses)
    .values({ name: `Biz ${randomUUID()}`, timezone })
    .returning();
  const rows = await db
    .insert(clients)
    .values(
      Array.from({ length: 8 }, (_, i) => ({
        businessId: b!.id,
        email: `c${i}-${randomUUID()}@example.com`,
        firstName: `First${i}`,
        lastName: `Last${i}`,
      })),
    )
    .returning({ id: clients.id });
  return { businessId: b!.id, clientIds: rows.map((r) => r.id) };
}

const captainOf = (businessId: string): Scope => ({ businessId, rank: 'captain', userId: randomUUID() });

function monthsBack(today: string, n: number): string {
  const d = new Date(`${today.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - n);
  return d.toISOString().slice(0, 7);
}

describeEachDatabase('finance: invoices', ({ db: getDb }) => {
  let db: Database;
  let a: Awaited<ReturnType<typeof makeBusiness>>;
  let b: Awaited<ReturnType<typeof makeBusiness>>;

  beforeAll(async () => {
    db = getDb();
    a = await makeBusiness(db);
    b = await makeBusiness(db);
  });

  it('creates an invoice from a decimal amount, exactly, with an outbox row in the same transaction', async () => {
    const scope = captainOf(a.businessId);
    const inv = await createInvoice(db, scope, { clientId: a.clientIds[0], amount: '12.34', currency: 'usd' }, { mutationId: 'm-1' });
    expect(inv).toMatchObject({ amountCents: 1234, currency: 'USD', status: 'draft', clientName: 'First0 Last0' });
    expect(inv.number).toMatch(/^INV-\d{5}$/);
    const [due, issued] = [new Date(inv.dueOn).getTime(), new Date(inv.issuedOn).getTime()];
    expect((due - issued) / 86_400_000).toBe(30);
    const [event] = await db
      .select()
      .from(outbox)
      .where(and(eq(outbox.businessId, a.businessId), eq(outbox.entityId, String(inv.id))));
    expect(event).toMatchObject({ domain: 'finance', kind: 'upsert', mutationId: 'm-1' });
    expect((event!.data as { amountCents: number }).amountCents).toBe(1234);
    // Values floats get wrong are exact: 0.29 * 100 = 28.999999999999996 in binary floating point.
    expect((await createInvoice(db, scope, { clientId: a.clientIds[0], amount: '0.29' })).amountCents).toBe(29);
    expect((await createInvoice(db, scope, { clientId: a.clientIds[0], amount: '1005', currency: 'JPY' })).amountCents).toBe(1005);
    expect((await createInvoice(db, scope, { clientId: a.clientIds[0], amount: '1.005', currency: 'BHD' })).amountCents).toBe(1005);
  });

  it('refuses amounts that would lose a cent, bad currencies and foreign clients', async () => {
    const scope = captainOf(a.businessId);
    const cases: [unknown, string][] = [
      [{ clientId: a.clientIds[0], amountCents: 12.5 }, 'amountCents'],
      [{ clientId: a.clientIds[0], amountCents: -1 }, 'amountCents'],
      [{ clientId: a.clientIds[0], amountCents: '1234' }, 'amountCents'],
      [{ clientId: a.clientIds[0], amount: '12.345' }, 'amount'],
      [{ clientId: a.clientIds[0], amount: '1e3' }, 'amount'],
      [{ clientId: a.clientIds[0], amount: '-5.00' }, 'amount'],
      [{ clientId: a.clientIds[0], amount: '5', amountCents: 500 }, 'amount'],
      [{ clientId: a.clientIds[0], amount: '5.5', currency: 'JPY' }, 'amount'],
      [{ clientId: a.clientIds[0], amountCents: 100, currency: 'XXXX' }, 'currency'],
      [{ clientId: a.clientIds[0], amountCents: 100, currency: 'ZZZ' }, 'currency'],
      [{ clientId: a.clientIds[0], amountCents: 100, issuedOn: '2026-02-30' }, 'issuedOn'],
      [{ clientId: a.clientIds[0], amountCents: 100, issuedOn: '2026-03-10', dueOn: '2026-03-01' }, 'dueOn'],
      [{ clientId: b.clientIds[0], amountCents: 100 }, 'clientId'],
    ];
    for (const [input, field] of cases) {
      const err = await thrown(createInvoice(db, scope, input));
      expect(err, JSON.stringify(input)).toBeInstanceOf(ValidationError);
      expect(Object.keys((err as ValidationError).fields), JSON.stringify(input)).toContain(field);
    }
  });

  it('keeps invoice numbers unique per business, not across businesses', async () => {
    await createInvoice(db, captainOf(a.businessId), { clientId: a.clientIds[1], amountCents: 100, number: 'A-1' });
    await createInvoice(db, captainOf(b.businessId), { clientId: b.clientIds[1], amountCents: 100, number: 'A-1' });
    const err = await thrown(createInvoice(db, captainOf(a.businessId), { clientId: a.clientIds[1], amountCents: 100, number: 'A-1' }));
    expect((err as ValidationError).fields).toHaveProperty('number');
  });

  it('sends and marks paid; paid is final; another business cannot see or touch it', async () => {
    const scope = captainOf(a.businessId);
    const inv = await createInvoice(db, scope, { clientId: a.clientIds[2], amountCents: 9_999 });
    expect(await thrown(updateInvoice(db, scope, inv.id, { action: 'markPaid' }))).toBeInstanceOf(ConflictError);
    expect((await updateInvoice(db, scope, inv.id, { action: 'send' })).status).toBe('sent');
    expect(await thrown(updateInvoice(db, scope, inv.id, { amountCents: 1 }))).toBeInstanceOf(ConflictError);
    const paid = await updateInvoice(db, scope, inv.id, { action: 'markPaid', paidOn: '2026-01-15' });
    expect(paid).toMatchObject({ status: 'paid', paidOn: '2026-01-15', amountCents: 9_999 });
    expect(await thrown(updateInvoice(db, scope, inv.id, { action: 'markPaid' }))).toBeInstanceOf(ConflictError);
    expect(await thrown(getInvoice(db, captainOf(b.businessId), inv.id))).toBeInstanceOf(NotFoundError);
    expect(await thrown(updateInvoice(db, captainOf(b.businessId), inv.id, { action: 'send' }))).toBeInstanceOf(NotFoundError);
  });

  it('lets crew read but not write, and the admiral only read', async () => {
    const crew: Scope = { businessId: a.businessId, rank: 'crew', userId: randomUUID() };
    const admiral: Scope = { businessId: a.businessId, rank: 'admiral', userId: randomUUID() };
    expect((await listInvoices(db, crew)).items.length).toBeGreaterThan(0);
    expect((await listInvoices(db, admiral)).items.length).toBeGreaterThan(0);
    expect(await thrown(createInvoice(db, crew, { clientId: a.clientIds[0], amountCents: 1 }))).toBeInstanceOf(ForbiddenError);
    expect(await thrown(createInvoice(db, admiral, { clientId: a.clientIds[0], amountCents: 1 }))).toBeInstanceOf(ForbiddenError);
    const first = (await listInvoices(db, crew)).items[0]!;
    expect(await thrown(updateInvoice(db, crew, first.id, { action: 'send' }))).toBeInstanceOf(ForbiddenError);
    expect(await thrown(updateInvoice(db, admiral, first.id, { action: 'send' }))).toBeInstanceOf(ForbiddenError);
  });

  it('pages by keyset: every invoice exactly once, newest first; filters bind the cursor', async () => {
    const c = await makeBusiness(db);
    const scope = captainOf(c.businessId);
    for (let i = 0; i < 23; i++)
      await createInvoice(db, scope, { clientId: c.clientIds[i % 8], amountCents: 100 + i, status: i % 2 ? 'sent' : 'draft' });
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await listInvoices(db, scope, { limit: 5, cursor });
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(23);
    expect(new Set(seen).size).toBe(23);
    expect([...seen].sort((x, y) => y - x)).toEqual(seen);
    const sent = await listInvoices(db, scope, { status: 'sent', limit: 5 });
    expect(sent.items.every((i) => i.status === 'sent')).toBe(true);
    expect(await thrown(listInvoices(db, scope, { cursor: sent.nextCursor! }))).toBeInstanceOf(ValidationError);
    expect(await thrown(listInvoices(db, captainOf(a.businessId), { status: 'sent', cursor: sent.nextCursor! }))).toBeInstanceOf(ValidationError);
    expect(await thrown(listInvoices(db, scope, { cursor: 'garbage' }))).toBeInstanceOf(ValidationError);
  });

  it('computes the summary in one query, matching the same sums done by hand', async () => {
    const d = await makeBusiness(db, 'Pacific/Auckland');
    const scope = captainOf(d.businessId);
    const today = (await financeSummary(db, scope)).today;
    const [y, m] = today.split('-').map(Number) as [number, number];
    const day = (monthOffset: number, dayOfMonth: number) => {
      const dt = new Date(Date.UTC(y, m - 1 - monthOffset, dayOfMonth));
      return dt.toISOString().slice(0, 10);
    };
    const rows = [
      // paid in this month, last month, 11 months ago (in range) and 12 months ago (out of range)
      { clientId: d.clientIds[0], amountCents: 10_001, status: 'paid', issuedOn: day(0, 1), dueOn: day(0, 1), paidOn: day(0, 1) },
      { clientId: d.clientIds[1], amountCents: 20_002, status: 'paid', issuedOn: day(1, 2), dueOn: day(1, 2), paidOn: day(1, 3) },
      { clientId: d.clientIds[0], amountCents: 30_003, status: 'paid', issuedOn: day(11, 1), dueOn: day(11, 1), paidOn: day(11, 1) },
      { clientId: d.clientIds[2], amountCents: 99_999, status: 'paid', issuedOn: day(12, 1), dueOn: day(12, 1), paidOn: day(12, 28) },
      // another currency: never mixed into USD totals
      { clientId: d.clientIds[3], amountCents: 7_777, status: 'paid', issuedOn: day(0, 1), dueOn: day(0, 1), paidOn: day(0, 1), currency: 'EUR' },
      // unpaid: sent and not yet due, sent past due (overdue), stored overdue, draft (not outstanding)
      { clientId: d.clientIds[4], amountCents: 500, status: 'sent', issuedOn: day(0, 1), dueOn: day(-2, 1) },
      { clientId: d.clientIds[4], amountCents: 700, status: 'sent', issuedOn: day(3, 1), dueOn: day(2, 1) },
      { clientId: d.clientIds[5], amountCents: 1_100, status: 'overdue', issuedOn: day(3, 1), dueOn: day(2, 1) },
      { clientId: d.clientIds[6], amountCents: 1_300, status: 'draft', issuedOn: day(0, 1), dueOn: day(0, 1) },
    ];
    await db
      .insert(invoices)
      .values(
        rows.map((r, i) => ({ currency: 'USD', paidOn: null, ...r, businessId: d.businessId, number: `S-${i}` }) as typeof invoices.$inferInsert),
      );
    const s = await financeSummary(db, scope, { currency: 'USD' });
    expect(s.currency).toBe('USD');
    expect(s.currencies).toEqual(['EUR', 'USD']);
    expect(s.revenueByMonth).toHaveLength(12);
    expect(s.revenueByMonth[11]!.month).toBe(today.slice(0, 7));
    expect(s.revenueByMonth[0]!.month).toBe(monthsBack(today, 11));
    expect(s.revenueThisMonthCents).toBe(10_001);
    expect(s.revenueByMonth[10]!.cents).toBe(20_002);
    expect(s.revenueByMonth[0]!.cents).toBe(30_003);
    expect(s.revenueByMonth.reduce((t, x) => t + x.cents, 0)).toBe(60_006);
    expect(s.outstandingCents).toBe(2_300);
    expect(s.outstandingCount).toBe(3);
    expect(s.overdueCents).toBe(1_800);
    expect(s.overdueCount).toBe(2);
    expect(s.topClients.map((t) => [t.clientId, t.cents, t.name])).toEqual([
      [d.clientIds[0], 40_004, 'First0 Last0'],
      [d.clientIds[1], 20_002, 'First1 Last1'],
    ]);
    // Without a currency: the business's largest. With EUR: only EUR.
    expect((await financeSummary(db, scope)).currency).toBe('USD');
    const eur = await financeSummary(db, scope, { currency: 'eur' });
    expect(eur.revenueThisMonthCents).toBe(7_777);
    expect(eur.outstandingCents).toBe(0);
    // The list shows a sent invoice past its due date as overdue, and the overdue filter finds it.
    const overdue = await listInvoices(db, scope, { status: 'overdue' });
    expect(overdue.items.map((i) => i.amountCents).sort((x, y) => x - y)).toEqual([700, 1_100]);
    // Exactly one statement ran for the summary.
    const statements: string[] = [];
    const counting = { ...db, execute: (q: Parameters<Database['execute']>[0]) => (statements.push('x'), db.execute(q)) } as unknown as Database;
    await financeSummary(counting, scope);
    expect(statements).toHaveLength(1);
  });

  it('has a summary of zeros for a business without invoices', async () => {
    const e = await makeBusiness(db);
    const s = await financeSummary(db, captainOf(e.businessId));
    expect(s).toMatchObject({ currency: 'USD', revenueThisMonthCents: 0, outstandingCents: 0, overdueCents: 0, topClients: [], currencies: [] });
    expect(s.revenueByMonth.every((x) => x.cents === 0)).toBe(true);
    expect(await thrown(financeSummary(db, captainOf(randomUUID())))).toBeInstanceOf(NotFoundError);
  });

  it('enforces the composite client key in the database itself', async () => {
    const err = await thrown(
      db.execute(sql`insert into invoices (business_id, client_id, number, amount_cents, issued_on, due_on)
        values (${a.businessId}, ${b.clientIds[0]}, 'X-1', 1, current_date, current_date)`),
    );
    expect(String((err as { cause?: { code?: string }; code?: string }).cause?.code ?? (err as { code?: string }).code)).toBe('23503');
  });
});
