import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, databaseUnavailable } from '@/fuse/db/client';
import { errorResponse } from '@/fuse/http/handler';
import { privatePostgresAvailable, startPrivatePostgres, type PrivatePostgres } from '../setup/private-postgres';

const BOUND = 1_000;

/** How long `fn` took to settle, and what it rejected with (or null). */
async function timed(fn: () => Promise<unknown>): Promise<{ ms: number; err: unknown }> {
  const start = performance.now();
  try {
    await fn();
    return { ms: performance.now() - start, err: null };
  } catch (err) {
    return { ms: performance.now() - start, err };
  }
}

describe.skipIf(!privatePostgresAvailable())('a hung database (every PostgreSQL process stopped)', () => {
  let server: PrivatePostgres;
  let pool: pg.Pool;
  beforeAll(async () => {
    server = await startPrivatePostgres();
    pool = createPool(server.url, 4, BOUND, { statementTimeout: true });
  });
  afterAll(async () => {
    server?.thaw();
    await pool?.end().catch(() => undefined);
    server?.stop();
  });

  it('answers within DB_QUERY_TIMEOUT_MS with a 503, drops the connections involved, and recovers', async () => {
    const db = drizzle({ client: pool });
    // Two open connections, idle in the pool, before the freeze.
    await Promise.all([pool.query('select pg_sleep(0.05)'), pool.query('select pg_sleep(0.05)')]);
    expect(pool.totalCount).toBe(2);
    server.freeze();
    try {
      const [plain, orm, transaction, fresh] = await Promise.all([
        timed(() => pool.query('select 1')),
        timed(() => db.execute(sql`select 1`)),
        // A transaction's rollback on the dropped connection fails at once: one bound, not two.
        timed(() => db.transaction(async (tx) => tx.execute(sql`select 1`))),
        // Both idle connections are busy: this one opens a new connection, which the stopped server never answers.
        timed(() => pool.query('select 2')),
      ]);
      for (const outcome of [plain, orm, transaction, fresh]) {
        expect(outcome.err).not.toBeNull();
        expect(databaseUnavailable(outcome.err)).not.toBeNull();
        expect(outcome.ms).toBeLessThan(BOUND * 2 + 500);
        const response = errorResponse(outcome.err);
        expect(response.status).toBe(503);
        expect(response.headers.get('Retry-After')).toBe('5');
      }
      // No connection that timed out went back to the pool (connection attempts end with their own timer).
      for (let i = 0; i < 20 && pool.totalCount > 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(pool.totalCount).toBe(0);
    } finally {
      server.thaw();
    }
    const rows = await db.execute<{ n: number }>(sql`select 3 as n`);
    expect(rows.rows[0]!.n).toBe(3);
  });

  it('the server cancels a statement running longer than the bound (statement_timeout)', async () => {
    const outcome = await timed(() => pool.query('select pg_sleep(5)'));
    expect(outcome.ms).toBeLessThan(BOUND + 1_000);
    expect(databaseUnavailable(outcome.err)).not.toBeNull();
    expect((await pool.query<{ n: number }>('select 4 as n')).rows[0]!.n).toBe(4);
  });

  it('a connection that breaks under a transaction goes back to the pool, so the pool still ends (shutdown)', async () => {
    const restarting = createPool(server.url, 2, 3_000, { statementTimeout: true });
    const db = drizzle({ client: restarting });
    await restarting.query('select 1');
    // The transaction's `begin` is on the wire when the server dies: Drizzle never releases that client itself.
    server.freeze();
    const transaction = timed(() => db.transaction(async (tx) => tx.execute(sql`select 1`)));
    await new Promise((r) => setTimeout(r, 200));
    server.kill();
    const outcome = await transaction;
    expect(databaseUnavailable(outcome.err)).not.toBeNull();
    server.start();
    const ended = await timed(() =>
      Promise.race([restarting.end(), new Promise((_, reject) => setTimeout(() => reject(new Error('pool.end() hangs')), 3_000))]),
    );
    expect(ended.err).toBeNull();
    expect((await pool.query<{ n: number }>('select 5 as n')).rows[0]!.n).toBe(5);
  });

  it('errors that are not about the database stay what they are', () => {
    expect(databaseUnavailable(new Error('boom'))).toBeNull();
    expect(databaseUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBeNull();
    expect(errorResponse(new Error('boom')).status).toBe(500);
  });
});
