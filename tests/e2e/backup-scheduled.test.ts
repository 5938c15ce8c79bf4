import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyBackupFile } from '../../src/fuse/backup/restore-backup';
import { startAppServer, type AppServer } from '../setup/app-server';
import { baseEnv, seededPostgres } from './hardening-support';

/**
 * Scheduled backups in the running server: two instances on one PostgreSQL database, a schedule that
 * fires every two seconds, one BACKUP_DIR. The start hook schedules the job on both; the advisory lock
 * (and the same-tick window) lets exactly one backup through.
 */
// Needs PostgreSQL (two servers share one database); in CI a missing DATABASE_URL is a failure, not a skip.
if (!process.env.DATABASE_URL && process.env.CI) throw new Error('CI=true but DATABASE_URL is not set: the scheduled-backup test must run in CI.');

describe.skipIf(!process.env.DATABASE_URL)('scheduled backups from the server start hook', () => {
  let db: Awaited<ReturnType<typeof seededPostgres>>;
  const servers: AppServer[] = [];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fuse-scheduled-'));

  beforeAll(async () => {
    db = await seededPostgres('fuse_backup_sched');
    const env = baseEnv({ DATABASE_URL: db.url, BACKUP_DIR: dir, BACKUP_CRON: '*/2 * * * * *', BACKUP_KEEP: '3' });
    servers.push(await startAppServer(env), await startAppServer(env));
  });
  afterAll(async () => {
    for (const s of servers) await s.stop().catch(() => null);
    await db?.pool.end();
    await db?.drop();
  });

  it('writes one verified backup per tick across instances, records each, and keeps BACKUP_KEEP', async () => {
    const deadline = Date.now() + 60_000;
    while (readdirSync(dir).filter((f) => f.endsWith('.fuse.gz')).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    // Let several ticks fire on both instances.
    await new Promise((r) => setTimeout(r, 9_000));
    for (const s of servers) await s.stop();
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.fuse.gz'))
      .sort();
    expect(files.length).toBeGreaterThanOrEqual(1);
    expect(files.length).toBeLessThanOrEqual(3);
    const manifest = await verifyBackupFile(path.join(dir, files.at(-1)!));
    expect(manifest.tables.find((t) => t.name === 'clients')!.rows).toBeGreaterThanOrEqual(600);
    const runs = await db.pool.query<{ trigger: string; outcome: string; file: string; at: number }>(
      `select trigger, outcome, file, extract(epoch from started_at)::float8 as at from backup_runs order by started_at`,
    );
    expect(runs.rows.length).toBeGreaterThanOrEqual(files.length);
    for (const run of runs.rows) expect(run).toMatchObject({ trigger: 'scheduled', outcome: 'success' });
    // One backup per tick: two instances never both wrote the same (two-second) tick.
    for (let i = 1; i < runs.rows.length; i++) expect(runs.rows[i]!.at - runs.rows[i - 1]!.at).toBeGreaterThan(1);
    // The files kept are the newest runs' files.
    expect(files).toEqual(runs.rows.slice(-files.length).map((r) => r.file));
  });
});
