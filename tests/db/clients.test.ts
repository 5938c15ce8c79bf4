import { createHmac, randomUUID } from 'node:crypto';
import { and, count, eq } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { archiveClient, createClient, updateClient } from '@/domains/clients/mutations';
import { getClient, listActiveClients, listClients, type Scope } from '@/domains/clients/queries';
import { clients } from '@/domains/clients/schema';
import { signUp } from '@/fuse/auth/accounts';
import { memberships, users } from '@/fuse/auth/schema';
import type { Database } from '@/fuse/db/client';
import { NotFoundError, ValidationError } from '@/fuse/http/errors';
import { outbox } from '@/fuse/live/schema';
import { ForbiddenError } from '@/fuse/session/errors';
import { signingSecret } from '@/fuse/session/secrets';
import { describeEachDatabase } from '../setup/each-database';
import { onPlan } from '../setup/plans';
import { thrown } from '../setup/thrown';

const PASSWORD = 'correct-horse-42';

async function newBusiness(db: Database, label: string): Promise<Scope> {
  const s = await signUp(db, {
    email: `${label}-${randomUUID()}@example.com`,
    password: PASSWORD,
    name: `${label} captain`,
    businessName: `${label} business`,
  });
  // Hundreds of clients per business here: the business plan has no limit (tests/db/billing.test.ts holds the limits).
  await onPlan(db, s.businessId, 'business');
  return { businessId: s.businessId, userId: s.userId, rank: s.rank };
}

/** A crew member of an existing business, as a session of that rank would scope it. */
async function crewOf(db: Database, businessId: string): Promise<Scope> {
  const [user] = await db
    .insert(users)
    .values({ email: `crew-${randomUUID()}@example.com`, name: 'Crew', passwordHash: 'not-used' })
    .returning();
  await db.insert(memberships).values({ businessId, userId: user!.id, rank: 'crew' });
  return { businessId, userId: user!.id, rank: 'crew' };
}

/** The same cursor body with a MAC made from the session secret directly (cursors use a key derived from it). */
function macWithSessionSecret(cursor: string): string {
  const body = cursor.split('.')[0]!;
  return `${body}.${createHmac('sha256', signingSecret()).update(body).digest().subarray(0, 16).toString('base64url')}`;
}

async function bulkClients(db: Database, businessId: string, n: number, status: 'active' | 'lead' = 'active') {
  const tag = randomUUID().slice(0, 8);
  await db.insert(clients).values(
    Array.from({ length: n }, (_, i) => ({
      businessId,
      email: `bulk-${tag}-${i}@example.com`,
      firstName: `Bulk${i}`,
      lastName: 'Row',
      status,
    })),
  );
}

async function outboxCount(db: Database, businessId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(outbox).where(eq(outbox.businessId, businessId));
  return Number(row!.n);
}

const newClient = (label = 'c') => ({ email: `${label}-${randomUUID()}@example.com`, firstName: 'Nia', lastName: 'Quill' });

describeEachDatabase('clients data layer', ({ db: getDb, pool }) => {
  let db: Database;
  let a: Scope;
  let b: Scope;

  beforeAll(async () => {
    db = getDb();
    a = await newBusiness(db, 'alpha');
    b = await newBusiness(db, 'bravo');
  });

  it('creates, gets, updates and archives a client of the own business', async () => {
    const created = await createClient(db, a, { ...newClient(), email: '  Mixed.Case@Example.COM ', company: 'Acme' });
    expect(created).toMatchObject({ email: 'mixed.case@example.com', status: 'active', company: 'Acme', phone: null });
    expect(await getClient(db, a, created.id)).toEqual(created);
    const updated = await updateClient(db, a, created.id, { firstName: 'Nora', status: 'lead' });
    expect(updated).toMatchObject({ id: created.id, firstName: 'Nora', status: 'lead', email: created.email });
    const archived = await archiveClient(db, a, created.id);
    expect(archived.status).toBe('archived');
    expect((await getClient(db, a, created.id)).status).toBe('archived');
  });

  it('changes only the fields a patch names (status, phone and notes stay as they were)', async () => {
    const lead = await createClient(db, a, { ...newClient(), status: 'lead', phone: '+1 555 0100', notes: 'VIP' });
    const renamed = await updateClient(db, a, lead.id, { lastName: 'Renamed' });
    expect(renamed).toMatchObject({ status: 'lead', phone: '+1 555 0100', notes: 'VIP', lastName: 'Renamed' });
    const archived = await archiveClient(db, a, lead.id);
    expect((await updateClient(db, a, archived.id, { company: 'Acme' })).status).toBe('archived');
    // An explicit null or empty string clears an optional field.
    expect(await updateClient(db, a, lead.id, { phone: null, notes: '' })).toMatchObject({ phone: null, notes: null, status: 'archived' });
  });

  it("isolates tenants: another business's client is not found, exactly like a missing one", async () => {
    const mine = await createClient(db, a, newClient('iso'));
    const outboxBefore = [await outboxCount(db, a.businessId), await outboxCount(db, b.businessId)];
    const missingId = mine.id + 1_000_000;

    const missing = await thrown(getClient(db, b, missingId));
    expect(missing).toBeInstanceOf(NotFoundError);
    for (const attempt of [
      () => getClient(db, b, mine.id),
      () => updateClient(db, b, mine.id, { firstName: 'Hijacked' }),
      () => archiveClient(db, b, mine.id),
    ]) {
      const err = await thrown(attempt());
      expect(err).toBeInstanceOf(NotFoundError);
      expect(err.message).toBe(missing.message);
    }
    // The same for the missing id through every mutation.
    expect((await thrown(updateClient(db, b, missingId, { firstName: 'X' }))).message).toBe(missing.message);
    expect((await thrown(archiveClient(db, b, missingId))).message).toBe(missing.message);

    // Nothing changed, nothing was announced, and B's list never shows A's row.
    expect(await getClient(db, a, mine.id)).toEqual(mine);
    expect([await outboxCount(db, a.businessId), await outboxCount(db, b.businessId)]).toEqual(outboxBefore);
    const bList = await listClients(db, b, { limit: 200 });
    expect(bList.items.map((c) => c.id)).not.toContain(mine.id);
    const bSearch = await listClients(db, b, { q: mine.email });
    expect(bSearch.items).toEqual([]);
  });

  it('pages through every row exactly once while rows are inserted between and during page fetches', async () => {
    const scope = await newBusiness(db, 'paging');
    await bulkClients(db, scope.businessId, 157);
    const existing = (await db.select({ id: clients.id }).from(clients).where(eq(clients.businessId, scope.businessId))).map((r) => r.id);
    expect(existing).toHaveLength(157);

    const seen: number[] = [];
    const inserted: number[] = [];
    let cursor: string | null | undefined;
    let pages = 0;
    do {
      // One insert races the page fetch, two more land between this page and the next.
      const [page, racing] = await Promise.all([
        listClients(db, scope, { limit: 20, cursor: cursor ?? undefined }),
        createClient(db, scope, newClient('racing')),
      ]);
      inserted.push(racing.id);
      for (let i = 0; i < 2; i++) inserted.push((await createClient(db, scope, newClient('between'))).id);
      expect(page.items.length).toBeLessThanOrEqual(20);
      seen.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor;
      pages++;
      expect(pages).toBeLessThan(20);
    } while (cursor);

    // Newest first, strictly: no row twice, none skipped.
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeLessThan(seen[i - 1]!);
    expect(new Set(seen).size).toBe(seen.length);
    const seenSet = new Set(seen);
    for (const id of existing) expect(seenSet.has(id)).toBe(true);
    // Anything else seen is a row inserted while paging (at most the one racing the first page).
    const extra = seen.filter((id) => !existing.includes(id));
    for (const id of extra) expect(inserted).toContain(id);
    expect(extra.length).toBeLessThanOrEqual(1);
    expect(pages).toBeGreaterThanOrEqual(8);
  });

  it('pages a status filter and a search to the end without repeats', async () => {
    const scope = await newBusiness(db, 'filtered-paging');
    await bulkClients(db, scope.businessId, 45, 'lead');
    await bulkClients(db, scope.businessId, 30, 'active');
    const collect = async (params: { status?: 'lead'; q?: string }) => {
      const ids: number[] = [];
      let cursor: string | undefined;
      do {
        const page = await listClients(db, scope, { ...params, limit: 10, cursor });
        ids.push(...page.items.map((c) => c.id));
        cursor = page.nextCursor ?? undefined;
        await createClient(db, scope, { ...newClient('late'), status: 'lead', firstName: 'Bulk999' });
      } while (cursor);
      return ids;
    };
    const leads = await collect({ status: 'lead' });
    expect(leads).toHaveLength(45);
    expect(new Set(leads).size).toBe(45);
    const searched = await collect({ q: 'bulk1' }); // Bulk1, Bulk10..19 of each batch
    expect(new Set(searched).size).toBe(searched.length);
    expect(searched.length).toBe(11 + 11);
  });

  it('filters by status and searches name and email, with LIKE wildcards taken literally', async () => {
    const scope = await newBusiness(db, 'search');
    const make = (firstName: string, lastName: string, email: string, status: 'active' | 'lead' | 'inactive' = 'active') =>
      createClient(db, scope, { firstName, lastName, email, status });
    const ada = await make('Ada', 'Lovelace', 'ada@analytical.example', 'lead');
    const grace = await make('Grace', 'Hopper', 'grace@navy.example');
    const percent = await make('Percent', '100%', 'percent@example.com', 'inactive');
    const hundred = await make('Hundred', '1000', 'hundred@example.com');
    const under = await make('Under', 'a_b', 'under@example.com');
    const plain = await make('Plain', 'axb', 'plain@example.com');
    const slash = await make('Back', 'sl\\ash', 'slash@example.com');

    const ids = async (params: Parameters<typeof listClients>[2]) => (await listClients(db, scope, params)).items.map((c) => c.id);

    expect(await ids({ status: 'lead' })).toEqual([ada.id]);
    expect(await ids({ status: 'inactive' })).toEqual([percent.id]);
    expect((await ids({ status: 'active' })).sort()).toEqual([grace.id, hundred.id, under.id, plain.id, slash.id].sort());
    expect(await ids({ q: 'lovelace' })).toEqual([ada.id]);
    expect(await ids({ q: 'Ada Lovelace' })).toEqual([ada.id]); // full name
    expect(await ids({ q: 'NAVY.example' })).toEqual([grace.id]); // email, case-insensitive
    expect(await ids({ q: '  hopper  ' })).toEqual([grace.id]); // trimmed
    expect(await ids({ q: '%' })).toEqual([percent.id]);
    expect(await ids({ q: '100%' })).toEqual([percent.id]);
    expect(await ids({ q: 'a_b' })).toEqual([under.id]);
    expect(await ids({ q: '_' })).toEqual([under.id]);
    expect(await ids({ q: '\\' })).toEqual([slash.id]);
    expect(await ids({ q: 'lovelace', status: 'active' })).toEqual([]);
    expect(await ids({ q: 'lovelace', status: 'lead' })).toEqual([ada.id]);
    expect(await ids({ q: 'nobody-has-this' })).toEqual([]);
    expect(await ids({})).toHaveLength(7);

    const bad = await thrown(listClients(db, scope, { status: 'deleted' as 'active' }));
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).fields).toHaveProperty('status');
  });

  it('lists the active clients newest first through listActiveClients', async () => {
    const scope = await newBusiness(db, 'active-list');
    const first = await createClient(db, scope, newClient());
    await createClient(db, scope, { ...newClient(), status: 'lead' });
    const second = await createClient(db, scope, newClient());
    expect((await listActiveClients(db, scope)).map((c) => c.id)).toEqual([second.id, first.id]);
    expect((await listActiveClients(db, b)).map((c) => c.id)).not.toContain(first.id);
  });

  it('pages 50 by default and 200 at most', async () => {
    const scope = await newBusiness(db, 'limits');
    await bulkClients(db, scope.businessId, 205);
    const byDefault = await listClients(db, scope);
    expect(byDefault.items).toHaveLength(50);
    expect(byDefault.nextCursor).toEqual(expect.any(String));
    const max = await listClients(db, scope, { limit: 200 });
    expect(max.items).toHaveLength(200);
    expect(max.nextCursor).toEqual(expect.any(String));
    const rest = await listClients(db, scope, { limit: '200', cursor: max.nextCursor! });
    expect(rest.items).toHaveLength(5);
    expect(rest.nextCursor).toBeNull();
    for (const limit of [201, 0, -1, 1.5, 'abc', '1e9']) {
      const err = await thrown(listClients(db, scope, { limit: limit as number }));
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).fields).toHaveProperty('limit');
    }
  });

  it('refuses malformed and foreign cursors with a ValidationError', async () => {
    const scope = await newBusiness(db, 'cursors');
    await bulkClients(db, scope.businessId, 6, 'active');
    await bulkClients(db, scope.businessId, 6, 'lead');
    const page = await listClients(db, scope, { status: 'active', limit: 2 });
    const cursor = page.nextCursor!;
    expect(cursor).toEqual(expect.any(String));
    // The cursor works for its own list.
    expect((await listClients(db, scope, { status: 'active', limit: 2, cursor })).items).toHaveLength(2);

    const attempts: [Scope, Parameters<typeof listClients>[2]][] = [
      [scope, { status: 'active', cursor: 'garbage' }],
      [scope, { status: 'active', cursor: `${cursor}x` }],
      [scope, { status: 'active', cursor: 'x'.repeat(300) }],
      [scope, { status: 'active', cursor: "1' or '1'='1" }],
      [scope, { status: 'lead', cursor }], // another filter
      [scope, { cursor }], // no filter
      [scope, { status: 'active', q: 'bulk', cursor }], // another search
      [b, { status: 'active', cursor }], // another business
      [scope, { status: 'active', cursor: macWithSessionSecret(cursor) }], // signed with the session secret itself
    ];
    for (const [s, params] of attempts) {
      const err = await thrown(listClients(db, s, params));
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).fields).toHaveProperty('cursor');
    }
  });

  it('keeps (business, lower(email)) unique: a field error on email, per business', async () => {
    const email = `unique-${randomUUID()}@example.com`;
    const first = await createClient(db, a, { ...newClient(), email });
    const before = await outboxCount(db, a.businessId);
    const dup = await thrown(createClient(db, a, { ...newClient(), email: email.toUpperCase() }));
    expect(dup).toBeInstanceOf(ValidationError);
    expect((dup as ValidationError).fields.email).toMatch(/already/);
    // Another business may hold the same email.
    await expect(createClient(db, b, { ...newClient(), email })).resolves.toMatchObject({ email });
    // Changing another client to that email is refused the same way.
    const other = await createClient(db, a, newClient());
    const clash = await thrown(updateClient(db, a, other.id, { email: email.toUpperCase() }));
    expect(clash).toBeInstanceOf(ValidationError);
    expect((clash as ValidationError).fields).toHaveProperty('email');
    expect((await getClient(db, a, other.id)).email).toBe(other.email);
    expect(await outboxCount(db, a.businessId)).toBe(before + 1); // only `other`'s create
    expect(first.id).toBeGreaterThan(0);
  });

  it('rejects bad input with field errors and writes nothing', async () => {
    const before = await outboxCount(db, a.businessId);
    const err = await thrown(createClient(db, a, { email: 'not-an-email', firstName: '', lastName: 'X', status: 'gone' }));
    expect(err).toBeInstanceOf(ValidationError);
    expect(Object.keys((err as ValidationError).fields).sort()).toEqual(['email', 'firstName', 'status']);
    const mine = await createClient(db, a, newClient());
    const patch = await thrown(updateClient(db, a, mine.id, { businessId: b.businessId }));
    expect(patch).toBeInstanceOf(ValidationError);
    const nothing = await thrown(updateClient(db, a, mine.id, {}));
    expect(nothing).toBeInstanceOf(ValidationError);
    expect(await outboxCount(db, a.businessId)).toBe(before + 1);
  });

  it('lets crew create but not update or archive', async () => {
    const crew = await crewOf(db, a.businessId);
    const created = await createClient(db, crew, newClient('crew'));
    expect(created.id).toBeGreaterThan(0);
    expect(await getClient(db, crew, created.id)).toEqual(created);
    const before = await outboxCount(db, a.businessId);
    expect(await thrown(updateClient(db, crew, created.id, { firstName: 'Changed' }))).toBeInstanceOf(ForbiddenError);
    expect(await thrown(archiveClient(db, crew, created.id))).toBeInstanceOf(ForbiddenError);
    expect(await getClient(db, a, created.id)).toEqual(created);
    expect(await outboxCount(db, a.businessId)).toBe(before);
  });

  it('writes exactly one outbox row per mutation, in the same transaction', async () => {
    const scope = await newBusiness(db, 'outbox');
    const xmin = async (table: 'clients' | 'outbox', id: number) =>
      (await pool().query<{ x: string }>(`select xmin::text as x from ${table} where business_id = $1 and id = $2`, [scope.businessId, id])).rows[0]!
        .x;
    const rowsFor = (entityId: number) =>
      db
        .select()
        .from(outbox)
        .where(and(eq(outbox.businessId, scope.businessId), eq(outbox.entityId, String(entityId))))
        .orderBy(outbox.id);

    const created = await createClient(db, scope, newClient('ob'), { mutationId: 'm-create' });
    let rows = await rowsFor(created.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ domain: 'clients', kind: 'upsert', mutationId: 'm-create', data: created });
    expect(await xmin('outbox', rows[0]!.id)).toBe(await xmin('clients', created.id));

    const updated = await updateClient(db, scope, created.id, { lastName: 'Renamed' }, { mutationId: 'm-update' });
    rows = await rowsFor(created.id);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({ mutationId: 'm-update', data: updated });
    expect(await xmin('outbox', rows[1]!.id)).toBe(await xmin('clients', created.id));

    const archived = await archiveClient(db, scope, created.id);
    rows = await rowsFor(created.id);
    expect(rows).toHaveLength(3);
    expect(rows[2]).toMatchObject({ mutationId: null, data: archived });
    expect((rows[2]!.data as { status: string }).status).toBe('archived');
    expect(await xmin('outbox', rows[2]!.id)).toBe(await xmin('clients', created.id));
    expect(await outboxCount(db, scope.businessId)).toBe(3);
  });
});
