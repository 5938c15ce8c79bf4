import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { OUTBOX_LOCK_CLASS } from '../../src/fuse/live/outbox';
import { startAppServer, type AppServer } from '../setup/app-server';
import { baseEnv, seededPostgres } from './hardening-support';

/**
 * GET /api/cron/<job> (src/app/api/cron/[job]/route.ts): the background jobs for a host without a
 * long-running process (Vercel Cron). Off without CRON_SECRET; 401 without the right bearer secret,
 * whatever the job name; 404 for a name that is not a job; a known job runs the schedule's own
 * function under its advisory lock.
 */
if (!process.env.DATABASE_URL && process.env.CI) throw new Error('CI=true but DATABASE_URL is not set: the cron route tests must run in CI.');

const SECRET = 'cron-secret-for-the-e2e-test-0123456789abcdef';
const JOBS = ['outbox-retention', 'observability-retention', 'finance-windows', 'backup'];

describe('cron routes without CRON_SECRET', () => {
  it('are off: 404 for every job, with or without a bearer', async () => {
    const baseUrl = inject('baseUrl');
    for (const job of JOBS) {
      for (const headers of [{}, { Authorization: `Bearer ${SECRET}` }, { Authorization: 'Bearer ' }] as Record<string, string>[]) {
        const res = await fetch(`${baseUrl}/api/cron/${job}`, { headers });
        expect(res.status, `${job} ${JSON.stringify(headers)}`).toBe(404);
      }
    }
  });
});

describe.skipIf(!process.env.DATABASE_URL)('cron routes with CRON_SECRET', () => {
  let db: Awaited<ReturnType<typeof seededPostgres>>;
  let app: AppServer;
  const backupDir = mkdtempSync(path.join(os.tmpdir(), 'fuse-cron-backup-'));
  const call = (job: string, authorization?: string) =>
    fetch(`${app.url}/api/cron/${job}`, { headers: authorization === undefined ? {} : { Authorization: authorization } });

  beforeAll(async () => {
    db = await seededPostgres('fuse_cron');
    app = await startAppServer(baseEnv({ DATABASE_URL: db.url, CRON_SECRET: SECRET, BACKUP_DIR: backupDir }));
  });
  afterAll(async () => {
    await app?.stop();
    await db?.pool.end();
    await db?.drop();
    rmSync(backupDir, { recursive: true, force: true });
  });

  it('401 without the secret or with a wrong one, before the job name is looked at', async () => {
    const wrong = [
      undefined,
      '',
      'Bearer',
      'Bearer ',
      `Bearer ${SECRET.slice(0, -1)}`,
      `Bearer ${SECRET}x`,
      `Bearer ${SECRET.toUpperCase()}`,
      `Basic ${Buffer.from(`user:${SECRET}`).toString('base64')}`,
      SECRET,
      `Token ${SECRET}`,
    ];
    for (const job of [...JOBS, 'no-such-job', '__proto__']) {
      for (const authorization of wrong) {
        const res = await call(job, authorization);
        expect(res.status, `${job} ${authorization}`).toBe(401);
        expect(res.headers.get('www-authenticate')).toBe('Bearer');
        expect(await res.text()).not.toContain('outbox');
      }
    }
  });

  it('404 for a name that is not a job, hostile ones included, never echoing the name', async () => {
    const names = [
      'no-such-job',
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      'BACKUP',
      'backup%00',
      'backup%20',
      '%2e%2e%2fbackup',
      'outbox-retention.json',
      'a'.repeat(2_000),
      '%E2%80%AE',
      'backup;drop',
    ];
    for (const name of names) {
      const res = await call(name, `Bearer ${SECRET}`);
      expect(res.status, name).toBe(404);
      const body = (await res.json()) as { error: string; jobs: string[] };
      expect(body.error).toBe('No such job.');
      expect(body.jobs.sort()).toEqual([...JOBS].sort());
    }
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 40 }), async (raw) => {
        const name = encodeURIComponent(raw);
        fc.pre(!JOBS.includes(raw));
        const res = await call(name, `Bearer ${SECRET}`);
        // Not a job: 404 (or Next's own 4xx for a path it will not route); never a job run, never a 5xx.
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(res.status).not.toBe(401);
      }),
      { numRuns: 40 },
    );
  });

  it('200 runs the job: observability retention deletes what is past its age', async () => {
    await db.pool.query(
      `insert into web_vitals (page, name, value, at) values ('/old', 'LCP', 1, now() - interval '400 days'), ('/new', 'LCP', 1, now())`,
    );
    const res = await call('observability-retention', `Bearer ${SECRET}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('no-store');
    const body = (await res.json()) as { job: string; result: { ran: boolean; vitalsDeleted: number } };
    expect(body.job).toBe('observability-retention');
    expect(body.result.ran).toBe(true);
    expect(body.result.vitalsDeleted).toBeGreaterThanOrEqual(1);
    const { rows } = await db.pool.query(`select page from web_vitals where page in ('/old', '/new') order by page`);
    expect(rows).toEqual([{ page: '/new' }]);
  });

  it('each job runs under the lock its schedule takes: held elsewhere, the round is skipped', async () => {
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query('select pg_advisory_lock($1, $2)', [OUTBOX_LOCK_CLASS, 1]);
      const held = (await (await call('outbox-retention', `Bearer ${SECRET}`)).json()) as { result: { ran: boolean } };
      expect(held.result.ran).toBe(false);
      await holder.query('select pg_advisory_unlock($1, $2)', [OUTBOX_LOCK_CLASS, 1]);
      const free = (await (await call('outbox-retention', `Bearer ${SECRET}`)).json()) as { result: { ran: boolean } };
      expect(free.result.ran).toBe(true);
    } finally {
      await holder.end();
    }
  });

  it('finance windows and the backup run too (the backup into BACKUP_DIR)', async () => {
    const finance = await call('finance-windows', `Bearer ${SECRET}`);
    expect(finance.status).toBe(200);
    expect(((await finance.json()) as { result: { built: number } }).result).toHaveProperty('built');
    const backup = await call('backup', `Bearer ${SECRET}`);
    expect(backup.status, await backup.clone().text()).toBe(200);
    expect(((await backup.json()) as { result: { ran: boolean } }).result.ran).toBe(true);
    expect(readdirSync(backupDir).filter((f) => f.endsWith('.fuse.gz'))).toHaveLength(1);
  });
});
