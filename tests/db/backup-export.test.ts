import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/cli/demo-data';
import { signUp } from '../../src/fuse/auth/accounts';
import { openBusinessExport } from '../../src/fuse/backup/export';
import { NotFoundError } from '../../src/fuse/http/errors';
import { ForbiddenError } from '../../src/fuse/session/errors';
import { testPool } from '../setup/test-pool';
import { freshDatabase, KINDS, seedForBackup, type Fresh } from './backup-helpers';

type ExportDocument = {
  format: string;
  business: { id: string; name: string };
  members: Record<string, unknown>[];
  tables: Record<string, Record<string, unknown>[]>;
};

async function readExport(pool: pg.Pool, businessId: string, rank: 'captain' | 'crew' | 'admiral' = 'captain') {
  const { filename, stream } = await openBusinessExport(pool, { businessId, rank });
  const text = await new Response(stream).text();
  return { filename, doc: JSON.parse(text) as ExportDocument };
}

for (const kind of KINDS) {
  describe(`per-business export [${kind}]`, () => {
    let fresh: Fresh;
    let pool: pg.Pool;
    let demoId: string;
    let otherId: string;

    beforeAll(async () => {
      fresh = await freshDatabase(kind);
      await seedForBackup(fresh);
      const other = await signUp(fresh.db, {
        businessName: 'Other Co',
        name: 'Olive Other',
        email: 'olive@other.example',
        password: 'other-password-2026',
      });
      otherId = other.businessId;
      await fresh.client.query(
        `insert into clients (business_id, email, first_name, last_name) values ($1, 'only-other@example.com', 'Only', 'Other')`,
        [otherId],
      );
      await fresh.client.query(
        `insert into invites (business_id, email, rank, secret_hash, expires_at) values ($1, 'new@demo.example', 'crew', 'deadbeef', now() + interval '1 day')`,
        [(await fresh.client.query(`select id from businesses where name = $1`, [DEMO.business])).rows[0].id],
      );
      demoId = (await fresh.client.query(`select id from businesses where name = $1`, [DEMO.business])).rows[0].id;
      if (kind === 'pglite') await fresh.client.end();
      pool = testPool({ connectionString: fresh.url, max: 1 });
    }, 300_000);
    afterAll(async () => {
      await pool?.end();
      await fresh?.stop();
    });

    it("exports the captain's own business: members without password hashes, every business_id table", async () => {
      const { filename, doc } = await readExport(pool, demoId);
      expect(filename).toMatch(/^fuse-export-harbor-co-\d{4}-\d{2}-\d{2}\.json$/);
      expect(doc.format).toBe('fuse-business-export');
      expect(doc.business.id).toBe(demoId);
      expect(doc.members.map((m) => m.email)).toEqual(expect.arrayContaining([DEMO.admiral.email, DEMO.captain.email, DEMO.crew.email]));
      for (const member of doc.members) expect(Object.keys(member).sort()).toEqual(['email', 'id', 'joined_at', 'name', 'rank']);
      const text = JSON.stringify(doc);
      expect(text).not.toMatch(/password_hash|\$argon2/);
      expect(text).not.toContain('deadbeef');
      expect(doc.tables.invites).toHaveLength(1);
      expect(doc.tables.invites![0]).not.toHaveProperty('secret_hash');
      const expected = Number((await pool.query('select count(*) from clients where business_id = $1', [demoId])).rows[0].count);
      expect(doc.tables.clients).toHaveLength(expected);
      expect(Object.keys(doc.tables)).toEqual(expect.arrayContaining(['clients', 'subscriptions', 'invoices']));
      expect(doc.tables).not.toHaveProperty('outbox');
      // Derived running totals (finance summary) are not the business's own data.
      for (const derived of ['finance_paid_days', 'finance_unpaid_days', 'finance_client_revenue', 'finance_revenue_windows'])
        expect(doc.tables).not.toHaveProperty(derived);
      // No row of another tenant, in any table.
      for (const rows of Object.values(doc.tables)) for (const row of rows) expect(row.business_id).toBe(demoId);
      expect(text).not.toContain('only-other@example.com');
    });

    it('exports only the other business for its captain', async () => {
      const { doc } = await readExport(pool, otherId);
      expect(doc.business.name).toBe('Other Co');
      expect(doc.tables.clients!.map((c) => c.email)).toEqual(['only-other@example.com']);
    });

    it('refuses crew (403) and an unknown business (404)', async () => {
      await expect(openBusinessExport(pool, { businessId: demoId, rank: 'crew' })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(openBusinessExport(pool, { businessId: '00000000-0000-4000-8000-000000000000', rank: 'captain' })).rejects.toBeInstanceOf(
        NotFoundError,
      );
      await expect(openBusinessExport(pool, { businessId: "x' or 1=1 --", rank: 'captain' })).rejects.toBeInstanceOf(NotFoundError);
      // The connection went back to the pool each time.
      expect((await pool.query('select 1 as ok')).rows[0].ok).toBe(1);
    });
  });
}
