import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { newClientsByMonth, type Scope } from '@/domains/clients/queries';
import { clients } from '@/domains/clients/schema';
import { signUp } from '@/fuse/auth/accounts';
import { businesses } from '@/fuse/auth/schema';
import type { Database } from '@/fuse/db/client';
import { describeEachDatabase } from '../setup/each-database';

async function newBusiness(db: Database, label: string, timezone: string): Promise<Scope> {
  const s = await signUp(db, {
    email: `${label}-${randomUUID()}@example.com`,
    password: 'correct-horse-42',
    name: `${label} captain`,
    businessName: `${label} business`,
  });
  await db.update(businesses).set({ timezone }).where(eq(businesses.id, s.businessId));
  return { businessId: s.businessId, userId: s.userId, rank: s.rank };
}

async function addClient(db: Database, businessId: string, createdAt: Date) {
  await db.insert(clients).values({ businessId, email: `c-${randomUUID()}@example.com`, firstName: 'New', lastName: 'Client', createdAt });
}

describeEachDatabase('new clients per month (the overview chart)', ({ db: getDb }) => {
  let db: Database;
  let tokyo: Scope;
  let other: Scope;
  /** The first instant of the current month on Tokyo's calendar. */
  let monthStart: Date;

  beforeAll(async () => {
    db = getDb();
    tokyo = await newBusiness(db, 'tokyo', 'Asia/Tokyo');
    other = await newBusiness(db, 'other', 'UTC');
    const rows = (
      await db.execute<{ start: Date | string }>(
        sql`select (date_trunc('month', now() at time zone 'Asia/Tokyo') at time zone 'Asia/Tokyo') as start`,
      )
    ).rows;
    monthStart = new Date(rows[0]!.start);
  });

  it('counts by the business calendar month, the current one and the five before, and only the own business', async () => {
    await addClient(db, tokyo.businessId, monthStart); // this month, its first instant
    await addClient(db, tokyo.businessId, new Date(monthStart.getTime() + 60_000));
    await addClient(db, tokyo.businessId, new Date(monthStart.getTime() - 1_000)); // last month, its last second
    await addClient(db, tokyo.businessId, new Date(monthStart.getTime() - 300 * 86_400_000)); // ten months ago: outside
    await addClient(db, other.businessId, new Date(monthStart.getTime() + 60_000)); // another business

    const series = await newClientsByMonth(db, tokyo);
    expect(series).toHaveLength(6);
    expect(series.map((m) => m.month)).toEqual([...series.map((m) => m.month)].sort());
    expect(series.at(-1)!.count).toBe(2);
    expect(series.at(-2)!.count).toBe(1);
    expect(series.slice(0, 4).every((m) => m.count === 0)).toBe(true);

    const otherSeries = await newClientsByMonth(db, other);
    expect(otherSeries.reduce((n, m) => n + m.count, 0)).toBe(1);
  });

  it('is all zeros for a business without clients', async () => {
    const empty = await newBusiness(db, 'empty', 'Europe/Berlin');
    const series = await newClientsByMonth(db, empty);
    expect(series).toHaveLength(6);
    expect(series.every((m) => m.count === 0)).toBe(true);
  });
});
