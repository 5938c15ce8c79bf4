import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { backupStatus } from '../../src/fuse/backup/runs';
import { BACKUP_LOCK_KEY, pruneBackups, runScheduledBackup } from '../../src/fuse/backup/scheduler';
import type { Database } from '../../src/fuse/db/client';
import { logger } from '../../src/fuse/observability/logger';
import { testPool } from '../setup/test-pool';
import { freshDatabase, KINDS, seedForBackup, tempDir, type Fresh } from './backup-helpers';

for (const kind of KINDS) {
  describe(`scheduled backups [${kind}]`, () => {
    let fresh: Fresh;
    let pool: pg.Pool;
    let db: Database;

    beforeAll(async () => {
      fresh = await freshDatabase(kind);
      await seedForBackup(fresh);
      // The scheduler uses a pool; the embedded server takes one connection, so hand the test's over.
      if (kind === 'pglite') await fresh.client.end();
      pool = testPool({ connectionString: fresh.url, max: kind === 'pglite' ? 1 : 3 });
      db = drizzle({ client: pool }) as unknown as Database;
    }, 300_000);
    afterAll(async () => {
      await pool?.end();
      await fresh?.stop();
    });

    it('writes a 0600 backup into BACKUP_DIR and records the run', async () => {
      const dir = tempDir();
      const result = await runScheduledBackup(pool, { dir, keep: 14 });
      expect(result).toMatchObject({ ran: true, ok: true });
      const files = readdirSync(dir);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/^fuse-backup-\d{8}T\d{6}Z\.fuse\.gz$/);
      expect(statSync(path.join(dir, files[0]!)).mode & 0o777).toBe(0o600);
      const status = await backupStatus(db);
      expect(status.last).toMatchObject({ trigger: 'scheduled', outcome: 'success', file: files[0] });
      expect(status.last!.bytes).toBe(statSync(path.join(dir, files[0]!)).size);
      expect(status.last!.rows).toBeGreaterThan(600);
      // The same tick on a second instance (a clock a little apart) does not back up twice.
      expect(await runScheduledBackup(pool, { dir, keep: 14 })).toEqual({ ran: false, reason: 'recent' });
    });

    it('keeps only the newest BACKUP_KEEP files', async () => {
      const dir = tempDir();
      const old = ['fuse-backup-20240101T030000Z.fuse.gz', 'fuse-backup-20240102T030000Z.fuse.gz', 'fuse-backup-20240103T030000Z.fuse.gz'];
      for (const f of old) writeFileSync(path.join(dir, f), 'old');
      writeFileSync(path.join(dir, 'notes.txt'), 'not a backup');
      const result = await runScheduledBackup(pool, { dir, keep: 2, sameTickSeconds: 0 });
      expect(result).toMatchObject({ ran: true, ok: true, deleted: [old[1], old[0]] });
      expect(readdirSync(dir).sort()).toEqual([path.basename((result as { file: string }).file), old[2], 'notes.txt'].sort());
      expect(pruneBackups(dir, 1)).toEqual([old[2]]);
    });

    it('logs a failed backup as an error and records it', async () => {
      const blocker = path.join(tempDir(), 'not-a-directory');
      writeFileSync(blocker, 'x');
      const error = vi.spyOn(logger, 'error');
      const result = await runScheduledBackup(pool, { dir: blocker, keep: 14, sameTickSeconds: 0 });
      expect(result).toMatchObject({ ran: true, ok: false });
      expect(error).toHaveBeenCalledWith(expect.objectContaining({ err: expect.any(Error) }), 'backup: scheduled backup failed');
      error.mockRestore();
      const status = await backupStatus(db);
      expect(status.last).toMatchObject({ outcome: 'failure', file: null });
      expect(status.last!.error).toBeTruthy();
      expect(status.lastSuccess).toMatchObject({ outcome: 'success' });
      // The history chart: newest first, the failure on top of the successes before it.
      expect(status.recent[0]).toMatchObject({ outcome: 'failure' });
      expect(status.recent.some((r) => r.outcome === 'success')).toBe(true);
      const starts = status.recent.map((r) => r.startedAt.getTime());
      expect(starts).toEqual([...starts].sort((x, y) => y - x));
      expect(existsSync(blocker)).toBe(true);
    });

    if (kind === 'postgres') {
      it('runs on one instance only: another holding the advisory lock makes this one skip', async () => {
        const other = await pool.connect();
        try {
          await other.query('select pg_advisory_lock($1)', [BACKUP_LOCK_KEY]);
          const dir = tempDir();
          expect(await runScheduledBackup(pool, { dir, keep: 14, sameTickSeconds: 0 })).toEqual({ ran: false, reason: 'locked' });
          expect(readdirSync(dir)).toEqual([]);
        } finally {
          await other.query('select pg_advisory_unlock($1)', [BACKUP_LOCK_KEY]);
          other.release();
        }
      });
    }
  });
}
