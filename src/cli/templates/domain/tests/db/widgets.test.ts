import { randomUUID } from 'node:crypto';
import { and, count, eq } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { archiveWidget, createWidget, updateWidget } from '@/domains/widgets/mutations';
import { getWidget, listWidgets, type Scope } from '@/domains/widgets/queries';
import { signUp } from '@/fuse/auth/accounts';
import type { Rank } from '@/fuse/auth/schema-types';
import type { Database } from '@/fuse/db/client';
import { NotFoundError, ValidationError } from '@/fuse/http/errors';
import { outbox } from '@/fuse/live/schema';
import { ForbiddenError } from '@/fuse/session/errors';
import { describeEachDatabase } from '../setup/each-database';
import { thrown } from '../setup/thrown';

async function newBusiness(db: Database, label: string): Promise<Scope> {
  const s = await signUp(db, {
    email: `${label}-${randomUUID()}@example.com`,
    password: 'correct-horse-42',
    name: `${label} captain`,
    businessName: `${label} business`,
  });
  return { businessId: s.businessId, userId: s.userId, rank: s.rank };
}

const as = (scope: Scope, rank: Rank): Scope => ({ ...scope, rank });

async function countUpserts(db: Database, businessId: string, id: number): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(outbox)
    .where(and(eq(outbox.businessId, businessId), eq(outbox.domain, 'widgets'), eq(outbox.kind, 'upsert'), eq(outbox.entityId, String(id))));
  return Number(row!.n);
}

describeEachDatabase('widgets data layer', ({ db: getDb }) => {
  let db: Database;
  let a: Scope;
  let b: Scope;

  beforeAll(async () => {
    db = getDb();
    a = await newBusiness(db, 'alpha');
    b = await newBusiness(db, 'bravo');
  });

  it('creates, lists, renames and archives a widget, each change announced live in its transaction', async () => {
    const created = await createWidget(db, a, { name: '  First widget  ' });
    expect(created).toMatchObject({ name: 'First widget', status: 'active' });
    expect(await getWidget(db, a, created.id)).toEqual(created);
    expect((await listWidgets(db, a)).items[0]).toEqual(created);
    const renamed = await updateWidget(db, a, created.id, { name: 'Renamed' });
    expect(renamed).toMatchObject({ id: created.id, name: 'Renamed', status: 'active' });
    const archived = await archiveWidget(db, a, created.id, { mutationId: 'm-archive' });
    expect(archived).toMatchObject({ name: 'Renamed', status: 'archived' });
    expect((await listWidgets(db, a, { status: 'active' })).items.map((w) => w.id)).not.toContain(created.id);
    expect((await listWidgets(db, a, { status: 'archived' })).items.map((w) => w.id)).toContain(created.id);
    expect(await countUpserts(db, a.businessId, created.id)).toBe(3);
    const [last] = await db.select().from(outbox).where(eq(outbox.mutationId, 'm-archive'));
    expect(last).toMatchObject({ domain: 'widgets', kind: 'upsert', data: archived });
  });

  it('refuses what the permission table refuses, before writing anything', async () => {
    const mine = await createWidget(db, a, { name: 'Guarded' });
    expect(await thrown(createWidget(db, as(a, 'admiral'), { name: 'Support' }))).toBeInstanceOf(ForbiddenError);
    expect(await thrown(updateWidget(db, as(a, 'crew'), mine.id, { name: 'Crew edit' }))).toBeInstanceOf(ForbiddenError);
    expect(await thrown(archiveWidget(db, as(a, 'crew'), mine.id))).toBeInstanceOf(ForbiddenError);
    expect(await thrown(archiveWidget(db, as(a, 'admiral'), mine.id))).toBeInstanceOf(ForbiddenError);
    expect(await getWidget(db, a, mine.id)).toEqual(mine);
    expect(await countUpserts(db, a.businessId, mine.id)).toBe(1);
    // Crew may add and read; the admiral reads in support view.
    expect((await createWidget(db, as(a, 'crew'), { name: 'Crew made' })).status).toBe('active');
    expect((await getWidget(db, as(a, 'admiral'), mine.id)).name).toBe('Guarded');
  });

  it("isolates businesses: another business's widget is not found, exactly like a missing one", async () => {
    const mine = await createWidget(db, a, { name: 'Private' });
    const missing = await thrown(getWidget(db, b, mine.id + 1_000_000));
    expect(missing).toBeInstanceOf(NotFoundError);
    for (const attempt of [
      () => getWidget(db, b, mine.id),
      () => updateWidget(db, b, mine.id, { name: 'Hijacked' }),
      () => archiveWidget(db, b, mine.id),
    ]) {
      const err = await thrown(attempt());
      expect(err).toBeInstanceOf(NotFoundError);
      expect(err.message).toBe(missing.message);
    }
    expect(await getWidget(db, a, mine.id)).toEqual(mine);
    expect((await listWidgets(db, b, { limit: 200 })).items.map((w) => w.id)).not.toContain(mine.id);
  });

  it('refuses hostile input with a 400 naming the field, and writes nothing', async () => {
    const scope = await newBusiness(db, 'hostile');
    for (const input of [
      {},
      { name: '' },
      { name: '   ' },
      { name: 'x'.repeat(201) },
      { name: 'nul\u0000byte' },
      { name: 42 },
      { name: ['a'] },
      { name: 'ok', status: 'archived' },
      { name: 'ok', businessId: b.businessId },
      null,
      'name',
    ]) {
      expect(await thrown(createWidget(db, scope, input)), JSON.stringify(input)).toBeInstanceOf(ValidationError);
    }
    const row = await createWidget(db, scope, { name: 'Target' });
    for (const patch of [{}, { status: 'deleted' }, { name: '' }, { id: 1 }, { name: 'ok', businessId: b.businessId }]) {
      expect(await thrown(updateWidget(db, scope, row.id, patch)), JSON.stringify(patch)).toBeInstanceOf(ValidationError);
    }
    for (const params of [{ status: 'deleted' }, { limit: '0' }, { limit: '1000' }, { cursor: 'forged' }]) {
      expect(await thrown(listWidgets(db, scope, params as never)), JSON.stringify(params)).toBeInstanceOf(ValidationError);
    }
    expect((await listWidgets(db, scope)).items).toEqual([row]);
  });

  it('pages newest first by cursor, every row exactly once, and a cursor of another business is refused', async () => {
    const scope = await newBusiness(db, 'paging');
    const made: number[] = [];
    for (let i = 0; i < 7; i++) made.push((await createWidget(db, scope, { name: `Row ${i}` })).id);
    const seen: number[] = [];
    let cursor: string | undefined;
    let first: string | undefined;
    do {
      const page = await listWidgets(db, scope, { limit: 3, cursor });
      seen.push(...page.items.map((w) => w.id));
      cursor = page.nextCursor ?? undefined;
      first ??= cursor;
    } while (cursor);
    expect(seen).toEqual([...made].reverse());
    expect(await thrown(listWidgets(db, a, { limit: 3, cursor: first }))).toBeInstanceOf(ValidationError);
  });
});
