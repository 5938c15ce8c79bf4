import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClient, updateClient } from '@/domains/clients/mutations';
import { listClients, type ClientPage, type Scope } from '@/domains/clients/queries';
import { signUp } from '@/fuse/auth/accounts';
import { restoreBackup } from '@/fuse/backup/restore-backup';
import { writeBackup } from '@/fuse/backup/write-backup';
import type { Database } from '@/fuse/db/client';
import { cachedJson, clearReadCache, readCacheSize, readPosition } from '@/fuse/http/read-cache';
import { ValidationError } from '@/fuse/http/errors';
import { describeEachDatabase } from '../setup/each-database';
import { freshDatabase, KINDS, tempDir, type Fresh } from './backup-helpers';
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

/** The clients list as GET /api/clients answers it: through the read cache. */
async function list(db: Database, scope: Scope, params: Record<string, string> = {}): Promise<ClientPage> {
  const res = await cachedJson(db, scope, 'clients.list', params, () => listClients(db, scope, params));
  expect(res.headers.get('content-type')).toBe('application/json');
  expect(res.headers.get('cache-control')).toBe('private, no-store');
  return (await res.json()) as ClientPage;
}

const emails = (page: ClientPage) => page.items.map((c) => c.email);

describeEachDatabase('read cache of the clients list', ({ db }) => {
  beforeEach(() => clearReadCache());

  it('serves a repeated read from the cache, and a write on the next read', async () => {
    const scope = await newBusiness(db(), 'cache');
    const first = await createClient(db(), scope, { email: `one-${randomUUID()}@example.com`, firstName: 'One', lastName: 'A', status: 'active' });
    expect(emails(await list(db(), scope))).toEqual([first.email]);
    const held = readCacheSize().entries;
    expect(held).toBe(1);
    expect(emails(await list(db(), scope))).toEqual([first.email]);
    expect(readCacheSize().entries).toBe(held);

    const second = await createClient(db(), scope, { email: `two-${randomUUID()}@example.com`, firstName: 'Two', lastName: 'B', status: 'active' });
    expect(emails(await list(db(), scope))).toEqual([second.email, first.email]);

    await updateClient(db(), scope, first.id, { firstName: 'Renamed' });
    const page = await list(db(), scope);
    expect(page.items.find((c) => c.id === first.id)?.firstName).toBe('Renamed');

    await updateClient(db(), scope, second.id, { status: 'lead' });
    expect(emails(await list(db(), scope, { status: 'active' }))).toEqual([first.email]);
    expect(emails(await list(db(), scope, { status: 'lead' }))).toEqual([second.email]);
  });

  it("never serves one business's cached list to another, whatever the parameters", async () => {
    const a = await newBusiness(db(), 'cache-a');
    const b = await newBusiness(db(), 'cache-b');
    const ca = await createClient(db(), a, { email: `a-${randomUUID()}@example.com`, firstName: 'A', lastName: 'A', status: 'active' });
    const cb = await createClient(db(), b, { email: `b-${randomUUID()}@example.com`, firstName: 'B', lastName: 'B', status: 'active' });
    for (const params of [{}, { status: 'active' }, { limit: '1' }] as Record<string, string>[]) {
      expect(emails(await list(db(), a, params))).toEqual([ca.email]);
      expect(emails(await list(db(), b, params))).toEqual([cb.email]);
      expect(emails(await list(db(), a, params))).toEqual([ca.email]);
    }
    // A cursor of A's list is refused for B even while A's page is cached.
    await createClient(db(), a, { email: `a2-${randomUUID()}@example.com`, firstName: 'A2', lastName: 'A', status: 'active' });
    const pageA = await list(db(), a, { limit: '1' });
    expect(pageA.nextCursor).toBeTruthy();
    await list(db(), a, { limit: '1', cursor: pageA.nextCursor! });
    expect(await thrown(list(db(), b, { limit: '1', cursor: pageA.nextCursor! }))).toBeInstanceOf(ValidationError);
  });

  it('never caches an error: bad parameters are refused on every request', async () => {
    const scope = await newBusiness(db(), 'cache-bad');
    await createClient(db(), scope, { email: `x-${randomUUID()}@example.com`, firstName: 'X', lastName: 'X', status: 'active' });
    for (const params of [{ status: 'nope' }, { limit: '-1' }, { cursor: 'forged.cursor' }, { q: 'x'.repeat(10_000) }] as Record<string, string>[]) {
      expect(await thrown(list(db(), scope, params))).toBeInstanceOf(ValidationError);
      expect(await thrown(list(db(), scope, params))).toBeInstanceOf(ValidationError);
    }
  });

  it('does not cache a business without an outbox position: rows written around the outbox show at once', async () => {
    const scope = await newBusiness(db(), 'cache-seeded');
    expect(await readPosition(db(), scope.businessId)).toBeNull();
    expect(emails(await list(db(), scope))).toEqual([]);
    const { clients } = await import('@/domains/clients/schema');
    await db().insert(clients).values({ businessId: scope.businessId, email: 'seeded@example.com', firstName: 'S', lastName: 'S', status: 'active' });
    expect(emails(await list(db(), scope))).toEqual(['seeded@example.com']);
    expect(readCacheSize().entries).toBe(0);
  });
});

/**
 * A restore hands out the outbox ids of the backup again. An instance that cached a list at the
 * source's position (id N) must not serve it when the restored database reaches id N with other
 * rows: the position carries the row's time, so the keys differ.
 */
for (const kind of KINDS) {
  describe(`read cache across a restore [${kind}]`, () => {
    let source: Fresh;
    let target: Fresh;
    beforeAll(async () => {
      source = await freshDatabase(kind);
      target = await freshDatabase(kind);
    }, 300_000);
    afterAll(async () => {
      await source?.stop();
      await target?.stop();
    });

    it('serves the restored rows, not a list cached at the same outbox id before', async () => {
      clearReadCache();
      const scope = await newBusiness(source.db, 'restore');
      await createClient(source.db, scope, { email: 'kept@example.com', firstName: 'K', lastName: 'K', status: 'active' });
      const backup = await writeBackup(source.client, path.join(tempDir(), 'cache.fuse.gz'));
      await createClient(source.db, scope, { email: 'after-backup@example.com', firstName: 'L', lastName: 'L', status: 'active' });
      const sourcePosition = await readPosition(source.db, scope.businessId);
      expect(emails(await list(source.db, scope))).toEqual(['after-backup@example.com', 'kept@example.com']);

      await restoreBackup(target.client, backup.file);
      // The restore cleared this process's cache; the source's list is cached again, as another instance would hold it.
      expect(readCacheSize().entries).toBe(0);
      expect(emails(await list(source.db, scope))).toEqual(['after-backup@example.com', 'kept@example.com']);
      expect(emails(await list(target.db, scope))).toEqual(['kept@example.com']);

      await createClient(target.db, scope, { email: 'after-restore@example.com', firstName: 'R', lastName: 'R', status: 'active' });
      const targetPosition = await readPosition(target.db, scope.businessId);
      // The same outbox id on both sides, a different position.
      expect(targetPosition!.split('@')[0]).toBe(sourcePosition!.split('@')[0]);
      expect(targetPosition).not.toBe(sourcePosition);
      expect(emails(await list(target.db, scope))).toEqual(['after-restore@example.com', 'kept@example.com']);
    });
  });
}
