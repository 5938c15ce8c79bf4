import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClient, updateClient } from '@/domains/clients/mutations';
import { listClients, type ClientPage, type Scope } from '@/domains/clients/queries';
import { signUp } from '@/fuse/auth/accounts';
import { restoreBackup } from '@/fuse/backup/restore-backup';
import { writeBackup } from '@/fuse/backup/write-backup';
import type { Database } from '@/fuse/db/client';
import { cachedJson, cachedPageData, clearReadCache, readCacheSize, readPosition } from '@/fuse/http/read-cache';
import { ForbiddenError } from '@/fuse/session/errors';
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

describeEachDatabase('read cache of page data', ({ db }) => {
  beforeEach(() => clearReadCache());

  /** The clients page's data as /dashboard/clients reads it. */
  async function page(scope: Scope, counter?: { runs: number }) {
    return cachedPageData(db(), scope, { name: 'clients', permission: 'clients.read', params: { status: 'active' } }, async () => {
      if (counter) counter.runs += 1;
      return listClients(db(), scope, { status: 'active' });
    });
  }

  it('reads once until a write moves the position, and hands the position read with the data to the live stream', async () => {
    const scope = await newBusiness(db(), 'page');
    const first = await createClient(db(), scope, { email: `p1-${randomUUID()}@example.com`, firstName: 'P', lastName: 'One', status: 'active' });
    const counter = { runs: 0 };
    const a = await page(scope, counter);
    const b = await page(scope, counter);
    expect(counter.runs).toBe(1);
    expect(emails(b.data)).toEqual([first.email]);
    expect(b.livePosition).toBe(a.livePosition);
    expect(a.livePosition).toBe((await readPosition(db(), scope.businessId))!.id);
    // Shared between requests, so nobody may change it.
    expect(() => (b.data.items as unknown[]).push({})).toThrow(TypeError);

    const second = await createClient(db(), scope, { email: `p2-${randomUUID()}@example.com`, firstName: 'P', lastName: 'Two', status: 'active' });
    const c = await page(scope, counter);
    expect(counter.runs).toBe(2);
    expect(emails(c.data)).toEqual([second.email, first.email]);
    expect(c.livePosition).toBeGreaterThan(a.livePosition);
  });

  it('never shares page data between businesses or ranks, and checks the permission on a hit', async () => {
    const a = await newBusiness(db(), 'page-a');
    const b = await newBusiness(db(), 'page-b');
    const ca = await createClient(db(), a, { email: `pa-${randomUUID()}@example.com`, firstName: 'A', lastName: 'A', status: 'active' });
    const cb = await createClient(db(), b, { email: `pb-${randomUUID()}@example.com`, firstName: 'B', lastName: 'B', status: 'active' });
    expect(emails((await page(a)).data)).toEqual([ca.email]);
    expect(emails((await page(b)).data)).toEqual([cb.email]);
    // Same business, another rank: its own entry, never the captain's.
    const counter = { runs: 0 };
    await page({ ...a, rank: 'crew' }, counter);
    expect(counter.runs).toBe(1);

    // The team page's permission is refused to crew even once the data is cached for a captain.
    const teamRead = (scope: Scope) => cachedPageData(db(), scope, { name: 'team', permission: 'team.read' }, async () => ['secret']);
    expect((await teamRead(a)).data).toEqual(['secret']);
    expect(await thrown(teamRead({ ...a, rank: 'crew' }))).toBeInstanceOf(ForbiddenError);
  });

  it('does not keep data that failed to read', async () => {
    const scope = await newBusiness(db(), 'page-fail');
    await createClient(db(), scope, { email: `pf-${randomUUID()}@example.com`, firstName: 'F', lastName: 'F', status: 'active' });
    const failing = () =>
      cachedPageData(db(), scope, { name: 'failing', permission: 'clients.read' }, async () => {
        throw new Error('read failed');
      });
    expect(await thrown(failing())).toBeInstanceOf(Error);
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
      expect(targetPosition!.id).toBe(sourcePosition!.id);
      expect(targetPosition!.at).not.toBe(sourcePosition!.at);
      expect(emails(await list(target.db, scope))).toEqual(['after-restore@example.com', 'kept@example.com']);
    });
  });
}
