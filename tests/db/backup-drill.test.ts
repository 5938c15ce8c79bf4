import { statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/cli/demo-data';
import { signIn } from '../../src/fuse/auth/accounts';
import { restoreBackup, verifyBackupFile } from '../../src/fuse/backup/restore-backup';
import { writeBackup, type BackupResult } from '../../src/fuse/backup/write-backup';
import { freshDatabase, KINDS, seedForBackup, tableCounts, tempDir, type Fresh } from './backup-helpers';

/**
 * The restore drill: seed → backup → restore into a fresh database → backup again. Both backups must
 * hold the same rows (identical per-table checksums), foreign keys must hold, identity sequences must
 * continue after the restored ids, and a restored user must be able to sign in.
 */
for (const kind of KINDS) {
  describe(`restore drill [${kind}]`, () => {
    let source: Fresh;
    let target: Fresh;
    const dir = tempDir();
    let first: BackupResult;
    let second: BackupResult;

    beforeAll(async () => {
      source = await freshDatabase(kind);
      target = await freshDatabase(kind);
      await seedForBackup(source);
    }, 300_000);
    afterAll(async () => {
      await source?.stop();
      await target?.stop();
    });

    it('backs up every table to a 0600 gzip file with a manifest', async () => {
      first = await writeBackup(source.client, path.join(dir, 'first.fuse.gz'));
      expect(statSync(first.file).mode & 0o777).toBe(0o600);
      const names = first.manifest.tables.map((t) => t.name);
      for (const t of ['businesses', 'users', 'memberships', 'subscriptions', 'clients', 'outbox', 'backup_runs']) expect(names).toContain(t);
      // Referenced tables come before the tables that reference them.
      expect(names.indexOf('businesses')).toBeLessThan(names.indexOf('clients'));
      expect(names.indexOf('users')).toBeLessThan(names.indexOf('memberships'));
      const counts = await tableCounts(source.client);
      for (const t of first.manifest.tables) expect(t.rows, t.name).toBe(counts[t.name]);
      expect(first.manifest.schema.migration).toMatch(/^\d{4}_/);
      expect(await verifyBackupFile(first.file)).toEqual(first.manifest);
    });

    it('restores into a fresh database, and a second backup has identical checksums', async () => {
      const result = await restoreBackup(target.client, first.file);
      expect(result.rows).toBe(first.manifest.totalRows);
      expect(result.method).toBe(kind === 'pglite' ? 'insert' : 'copy');
      second = await writeBackup(target.client, path.join(dir, 'second.fuse.gz'));
      const sums = (r: BackupResult) => r.manifest.tables.map((t) => [t.name, t.rows, t.sha256]);
      expect(sums(second)).toEqual(sums(first));
    });

    it('restores derived tables verbatim (the finance totals), with their triggers off during the load and on again', async () => {
      const totals = await target.client.query(
        `select (select count(*) from finance_paid_days)::int as paid_days,
                (select coalesce(sum(cents), 0) from finance_paid_days)::text as paid_cents,
                (select coalesce(sum(amount_cents), 0) from invoices where status = 'paid')::text as invoiced_paid_cents,
                (select coalesce(sum(cents), 0) from finance_unpaid_days)::text as unpaid_cents,
                (select coalesce(sum(amount_cents), 0) from invoices where status in ('sent', 'overdue'))::text as invoiced_unpaid_cents,
                (select count(*) from pg_trigger where not tgisinternal and tgenabled = 'D')::int as disabled_triggers`,
      );
      const t = totals.rows[0];
      expect(t.paid_days).toBeGreaterThan(0);
      expect(t.paid_cents).toBe(t.invoiced_paid_cents); // counted once, not twice
      expect(t.unpaid_cents).toBe(t.invoiced_unpaid_cents);
      expect(t.disabled_triggers).toBe(0);
    });

    it('keeps values exactly, foreign keys intact, and sequences past the restored ids', async () => {
      {
        const c = target.client;
        const tricky = await c.query(`select first_name, last_name, company, notes, phone from clients where email = 'tricky@example.com'`);
        expect(tricky.rows[0]).toEqual({
          first_name: 'Tab\tName',
          last_name: 'Back\\slash',
          company: 'Ünïcødé ☃ Co',
          notes: 'line one\nline two\r\\.',
          phone: null,
        });
        const empty = await c.query(`select first_name, phone, company, notes from clients where email = 'empty@example.com'`);
        expect(empty.rows[0]).toEqual({ first_name: '', phone: '\\N', company: '', notes: null });
        const outbox = await c.query(`select data from outbox`);
        expect(outbox.rows[0].data).toEqual({ note: 'quote " and \\ and \t tab', n: 1.5, list: [1, null] });

        const orphans = await c.query(`
          select (select count(*) from clients x left join businesses b on b.id = x.business_id where b.id is null)
               + (select count(*) from memberships m left join users u on u.id = m.user_id where u.id is null)
               + (select count(*) from memberships m left join businesses b on b.id = m.business_id where b.id is null) as n`);
        expect(Number(orphans.rows[0].n)).toBe(0);
        // The constraints themselves survived and still bite.
        await expect(
          c.query(
            `insert into clients (business_id, email, first_name, last_name) values ('00000000-0000-4000-8000-000000000000', 'x@example.com', 'X', 'Y')`,
          ),
        ).rejects.toThrow(/foreign key/);

        const max = await c.query(`select max(id)::int as id, (select business_id from clients limit 1) as business from clients`);
        const inserted = await c.query(
          `insert into clients (business_id, email, first_name, last_name) values ($1, 'after-restore@example.com', 'New', 'Client') returning id`,
          [max.rows[0].business],
        );
        expect(Number(inserted.rows[0].id)).toBeGreaterThan(max.rows[0].id);
      }
    });

    it('lets a restored user sign in', async () => {
      const session = await signIn(target.db, { email: DEMO.captain.email, password: DEMO.password });
      expect(session.email).toBe(DEMO.captain.email);
      expect(session.rank).toBe('captain');
      const business = await target.client.query('select name from businesses where id = $1', [session.businessId]);
      expect(business.rows[0].name).toBe(DEMO.business);
    });
  });
}
