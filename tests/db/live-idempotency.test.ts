import { randomUUID } from 'node:crypto';
import { and, count, eq } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { createClient } from '@/domains/clients/mutations';
import type { Scope } from '@/domains/clients/queries';
import { clients } from '@/domains/clients/schema';
import { signUp } from '@/fuse/auth/accounts';
import type { Database } from '@/fuse/db/client';
import { idempotencyKeyOf, idempotent, IdempotencyMismatchError, requestHash } from '@/fuse/live/idempotency';
import { idempotencyKeys, outbox } from '@/fuse/live/schema';
import { describeEachDatabase } from '../setup/each-database';

describeEachDatabase('idempotent creates', ({ db: getDb }) => {
  let db: Database;
  let scope: Scope;
  let other: Scope;

  beforeAll(async () => {
    db = getDb();
    const s = await signUp(db, { email: `idem-${randomUUID()}@example.com`, password: 'correct-horse-42', name: 'Idem', businessName: 'Idem' });
    scope = { businessId: s.businessId, userId: s.userId, rank: s.rank };
    const o = await signUp(db, { email: `idem2-${randomUUID()}@example.com`, password: 'correct-horse-42', name: 'Idem2', businessName: 'Idem2' });
    other = { businessId: o.businessId, userId: o.userId, rank: o.rank };
  });

  const create = (s: Scope, key: string | null, body: unknown) =>
    idempotent(db, { businessId: s.businessId, key, hash: requestHash('POST', '/api/clients', body) }, async (tx) => ({
      status: 201,
      body: await createClient(tx, s, body, { mutationId: key }),
    }));

  const countByEmail = async (s: Scope, email: string) => {
    const [row] = await db
      .select({ n: count() })
      .from(clients)
      .where(and(eq(clients.businessId, s.businessId), eq(clients.email, email)));
    return Number(row!.n);
  };

  it('creates once for a key and returns the same response to a retry', async () => {
    const key = randomUUID();
    const body = { email: `a-${key}@example.com`, firstName: 'Ada', lastName: 'Ng' };
    const first = await create(scope, key, body);
    const second = await create(scope, key, { lastName: 'Ng', firstName: 'Ada', email: body.email });
    expect(first.replayed).toBe(false);
    expect(second).toEqual({ ...first, replayed: true });
    expect(await countByEmail(scope, body.email)).toBe(1);
    const [events] = await db.select({ n: count() }).from(outbox).where(eq(outbox.mutationId, key));
    expect(Number(events!.n)).toBe(1);
  });

  it('creates once for concurrent duplicates', async () => {
    const key = randomUUID();
    const body = { email: `c-${key}@example.com`, firstName: 'Cy', lastName: 'Ro' };
    const results = await Promise.all(Array.from({ length: 5 }, () => create(scope, key, body)));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(await countByEmail(scope, body.email)).toBe(1);
  });

  it('refuses the same key with a different body (422) and writes nothing', async () => {
    const key = randomUUID();
    await create(scope, key, { email: `d-${key}@example.com`, firstName: 'Di', lastName: 'Ox' });
    const err = await create(scope, key, { email: `e-${key}@example.com`, firstName: 'Di', lastName: 'Ox' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IdempotencyMismatchError);
    expect((err as IdempotencyMismatchError).status).toBe(422);
    expect(await countByEmail(scope, `e-${key}@example.com`)).toBe(0);
  });

  it('keeps keys per business and forgets a key whose create failed', async () => {
    const key = randomUUID();
    const body = { email: `f-${key}@example.com`, firstName: 'Fe', lastName: 'Li' };
    const mine = await create(scope, key, body);
    const theirs = await create(other, key, body);
    expect(theirs.replayed).toBe(false);
    expect(theirs.body.id).not.toBe(mine.body.id);

    const bad = randomUUID();
    await expect(create(scope, bad, { email: 'not-an-email', firstName: '', lastName: '' })).rejects.toMatchObject({ status: 400 });
    const stored = await db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, bad));
    expect(stored).toHaveLength(0);
    const retry = await create(scope, bad, { email: `g-${bad}@example.com`, firstName: 'Go', lastName: 'Ra' });
    expect(retry.replayed).toBe(false);
  });

  it('reads the key from Idempotency-Key, else x-mutation-id, and rejects malformed keys', () => {
    const req = (h: Record<string, string>) => new Request('http://x/api/clients', { method: 'POST', headers: h });
    expect(idempotencyKeyOf(req({ 'idempotency-key': 'k1', 'x-mutation-id': 'm1' }))).toBe('k1');
    expect(idempotencyKeyOf(req({ 'x-mutation-id': 'm1' }))).toBe('m1');
    expect(idempotencyKeyOf(req({}))).toBeNull();
    expect(() => idempotencyKeyOf(req({ 'idempotency-key': 'x'.repeat(300) }))).toThrow();
  });
});
