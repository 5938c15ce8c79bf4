import { sql } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { hashPassword } from '@/fuse/auth/passwords';
import { businesses, memberships, subscriptions, users } from '@/fuse/auth/schema';
import { clients, CLIENT_STATUSES } from '@/domains/clients/schema';

export const DEMO = {
  business: 'Harbor & Co',
  password: 'fuse-demo-2026',
  captain: { email: 'captain@demo.fuse.dev', name: 'Cora Captain' },
  crew: { email: 'crew@demo.fuse.dev', name: 'Cal Crew' },
  admiral: { email: 'admiral@demo.fuse.dev', name: 'Ada Admiral' },
  clientCount: 600,
};

const FIRST = ['Ava', 'Ben', 'Chloe', 'Dev', 'Elena', 'Farid', 'Grace', 'Hugo', 'Iris', 'Jonas', 'Kira', 'Liam', 'Maya', 'Noah', 'Olga', 'Pavel', 'Quinn', 'Rosa', 'Sami', 'Tara'];
const LAST = ['Adams', 'Baker', 'Costa', 'Dubois', 'Eriksen', 'Fischer', 'Garcia', 'Hansen', 'Ito', 'Jensen', 'Kowalski', 'Larsen', 'Moreau', 'Nguyen', 'Okafor', 'Petrov', 'Quist', 'Rossi', 'Silva', 'Tanaka'];
const COMPANIES = ['Northwind', 'Bluewave', 'Cedar Labs', 'Dockside', 'Evergreen', 'Foundry', 'Greyhound', 'Helix'];

/** Deterministic demo clients: mostly active, some leads, inactive and archived. */
export function demoClients(businessId: string, count: number) {
  const rows = [];
  for (let i = 0; i < count; i++) {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
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

/** Loads the demo business once; running it again changes nothing. Returns false when already there. */
export async function seedDemo(db: NodePgDatabase<Record<string, unknown>>): Promise<boolean> {
  const existing = await db.execute(sql`select 1 from users where lower(email) = ${DEMO.captain.email} limit 1`);
  if (existing.rows.length > 0) return false;
  const passwordHash = await hashPassword(DEMO.password);
  await db.transaction(async (tx) => {
    const [business] = await tx.insert(businesses).values({ name: DEMO.business }).returning();
    const businessId = business!.id;
    const [captain, crew, admiral] = await tx
      .insert(users)
      .values([
        { ...DEMO.captain, passwordHash },
        { ...DEMO.crew, passwordHash },
        { ...DEMO.admiral, passwordHash, isAdmiral: true },
      ])
      .returning();
    await tx.insert(memberships).values([
      { businessId, userId: captain!.id, rank: 'captain' },
      { businessId, userId: crew!.id, rank: 'crew' },
      { businessId, userId: admiral!.id, rank: 'captain' },
    ]);
    await tx.insert(subscriptions).values({
      businessId,
      plan: 'pro',
      status: 'active',
      currentPeriodEnd: new Date(Date.now() + 30 * 86_400_000),
    });
    const rows = demoClients(businessId, DEMO.clientCount);
    for (let i = 0; i < rows.length; i += 200) await tx.insert(clients).values(rows.slice(i, i + 200));
  });
  return true;
}
