import { sql } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { hashPassword } from '@/fuse/auth/passwords';
import { businesses, memberships, subscriptions, users } from '@/fuse/auth/schema';
import { clients } from '@/domains/clients/schema';
import { CLIENT_STATUSES } from '@/domains/clients/statuses';
import { invoices, type NewInvoice } from '@/domains/finance/schema';

export const DEMO = {
  business: 'Harbor & Co',
  password: 'fuse-demo-2026',
  captain: { email: 'captain@demo.fuse.dev', name: 'Cora Captain' },
  crew: { email: 'crew@demo.fuse.dev', name: 'Cal Crew' },
  admiral: { email: 'admiral@demo.fuse.dev', name: 'Ada Admiral' },
  /** Holds two businesses: Harbor & Co and the second business below. */
  commodore: { email: 'commodore@demo.fuse.dev', name: 'Cole Commodore' },
  secondBusiness: 'Lighthouse Supply',
  clientCount: 600,
  invoiceCount: 400,
};

const DAY = 86_400_000;

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * Deterministic demo invoices over the last 14 months: mostly paid, some sent (a few past due),
 * overdue and drafts. Amounts are whole cents from 50.00 to about 5,000.00.
 */
export function demoInvoices(businessId: string, clientIds: number[], count: number, now = Date.now()): NewInvoice[] {
  const rows: NewInvoice[] = [];
  for (let i = 0; i < count; i++) {
    const clientId = clientIds[(i * 37) % Math.min(clientIds.length, 240)]!;
    const issued = now - (((i * 131) % 420) + 1) * DAY;
    const due = issued + 30 * DAY;
    const r = (i * 7919) % 100;
    const status = r < 65 ? 'paid' : r < 82 ? 'sent' : r < 90 ? 'overdue' : 'draft';
    const paid = status === 'paid' ? Math.min(now - DAY, issued + ((i * 17) % 40) * DAY) : null;
    rows.push({
      businessId,
      clientId,
      number: `INV-${String(i + 1).padStart(5, '0')}`,
      amountCents: 5_000 + ((i * 104_729) % 495_000),
      currency: 'USD',
      status,
      issuedOn: isoDay(issued),
      dueOn: isoDay(due),
      paidOn: paid === null ? null : isoDay(paid),
    });
  }
  return rows;
}

/** Twenty first and twenty last names: the demo's people, and the scale-target data set's. */
export const FIRST_NAMES = [
  'Ava',
  'Ben',
  'Chloe',
  'Dev',
  'Elena',
  'Farid',
  'Grace',
  'Hugo',
  'Iris',
  'Jonas',
  'Kira',
  'Liam',
  'Maya',
  'Noah',
  'Olga',
  'Pavel',
  'Quinn',
  'Rosa',
  'Sami',
  'Tara',
];
export const LAST_NAMES = [
  'Adams',
  'Baker',
  'Costa',
  'Dubois',
  'Eriksen',
  'Fischer',
  'Garcia',
  'Hansen',
  'Ito',
  'Jensen',
  'Kowalski',
  'Larsen',
  'Moreau',
  'Nguyen',
  'Okafor',
  'Petrov',
  'Quist',
  'Rossi',
  'Silva',
  'Tanaka',
];
const COMPANIES = ['Northwind', 'Bluewave', 'Cedar Labs', 'Dockside', 'Evergreen', 'Foundry', 'Greyhound', 'Helix'];

/** Deterministic demo clients: mostly active, some leads, inactive and archived. */
export function demoClients(businessId: string, count: number) {
  const rows = [];
  for (let i = 0; i < count; i++) {
    const first = FIRST_NAMES[i % FIRST_NAMES.length]!;
    const last = LAST_NAMES[Math.floor(i / FIRST_NAMES.length) % LAST_NAMES.length]!;
    const r = (i * 7919) % 100;
    const status = r < 60 ? 'active' : r < 80 ? 'lead' : r < 92 ? 'inactive' : 'archived';
    rows.push({
      businessId,
      email: `${first}.${last}.${i}@example.com`.toLowerCase(),
      firstName: first,
      lastName: last,
      status: status as (typeof CLIENT_STATUSES)[number],
      company: COMPANIES[i % COMPANIES.length]!,
      phone: `+1 555 ${String(1000 + i).padStart(4, '0')}`,
      createdAt: new Date(Date.now() - (count - i) * 3_600_000),
    });
  }
  return rows;
}

/** Whether any demo account (the published password) exists in this database. */
export async function demoAccountsPresent(db: NodePgDatabase<Record<string, unknown>>): Promise<boolean> {
  const emails = [DEMO.captain.email, DEMO.crew.email, DEMO.admiral.email, DEMO.commodore.email];
  const found = await db.execute(
    sql`select 1 from users where lower(email) in (${sql.join(
      emails.map((e) => sql`${e}`),
      sql`, `,
    )}) limit 1`,
  );
  return found.rows.length > 0;
}

/** Loads the demo business once; running it again changes nothing. Returns false when already there. */
export async function seedDemo(db: NodePgDatabase<Record<string, unknown>>): Promise<boolean> {
  const existing = await db.execute(sql`select 1 from users where lower(email) = ${DEMO.captain.email} limit 1`);
  if (existing.rows.length > 0) return false;
  const passwordHash = await hashPassword(DEMO.password);
  // The demo addresses are not real mailboxes: they start verified, so the demo can invite at once.
  const emailVerifiedAt = new Date();
  await db.transaction(async (tx) => {
    const [business] = await tx.insert(businesses).values({ name: DEMO.business }).returning();
    const businessId = business!.id;
    const [captain, crew, admiral, commodore] = await tx
      .insert(users)
      .values([
        { ...DEMO.captain, passwordHash, emailVerifiedAt },
        { ...DEMO.crew, passwordHash, emailVerifiedAt },
        { ...DEMO.admiral, passwordHash, isAdmiral: true, emailVerifiedAt },
        { ...DEMO.commodore, passwordHash, emailVerifiedAt },
      ])
      .returning();
    await tx.insert(memberships).values([
      { businessId, userId: captain!.id, rank: 'captain' },
      { businessId, userId: crew!.id, rank: 'crew' },
      { businessId, userId: admiral!.id, rank: 'captain' },
      { businessId, userId: commodore!.id, rank: 'commodore' },
    ]);
    await tx.insert(subscriptions).values({
      businessId,
      // The largest demo business: no limits, whatever the tests and the demo's visitors add.
      plan: 'business',
      status: 'active',
      currentPeriodEnd: new Date(Date.now() + 30 * 86_400_000),
      paidSince: new Date(Date.now() - 200 * 86_400_000),
    });
    const rows = demoClients(businessId, DEMO.clientCount);
    const clientIds: number[] = [];
    for (let i = 0; i < rows.length; i += 200) {
      const inserted = await tx
        .insert(clients)
        .values(rows.slice(i, i + 200))
        .returning({ id: clients.id });
      clientIds.push(...inserted.map((c) => c.id));
    }
    const bills = demoInvoices(businessId, clientIds, DEMO.invoiceCount);
    for (let i = 0; i < bills.length; i += 200) await tx.insert(invoices).values(bills.slice(i, i + 200));

    // The commodore's second business, with its own clients and invoices.
    const [second] = await tx.insert(businesses).values({ name: DEMO.secondBusiness, timezone: 'Europe/Berlin' }).returning();
    // Joined after Harbor & Co (one transaction gives both the same now()), so sign-in opens Harbor first.
    await tx
      .insert(memberships)
      .values({ businessId: second!.id, userId: commodore!.id, rank: 'commodore', createdAt: sql`now() + interval '1 second'` });
    await tx.insert(subscriptions).values({
      businessId: second!.id,
      plan: 'pro',
      status: 'active',
      currentPeriodEnd: new Date(Date.now() + 30 * 86_400_000),
      paidSince: new Date(Date.now() - 90 * 86_400_000),
    });
    const secondClients = await tx
      .insert(clients)
      .values(demoClients(second!.id, 40).map((c) => ({ ...c, email: c.email.replace('@example.com', '@lighthouse.example') })))
      .returning({ id: clients.id });
    await tx.insert(invoices).values(
      demoInvoices(
        second!.id,
        secondClients.map((c) => c.id),
        80,
      ),
    );
  });
  return true;
}
