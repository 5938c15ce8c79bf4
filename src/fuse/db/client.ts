import 'server-only';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { config, ConfigError, MISSING_DATABASE_MESSAGE } from '@/fuse/config';
import { logger } from '@/fuse/observability/logger';
import { processSingleton } from '@/fuse/singleton';

export type Database = NodePgDatabase<Record<string, unknown>>;

type DbState = { pool: pg.Pool; db: Database };
const globalForDb = processSingleton('db', (): { fuseDb?: DbState } => ({}));

/** Reads integer/bigint columns as JS numbers; FUSE ids stay far below 2^53. */
pg.types.setTypeParser(20, (v) => Number(v));

export function createPool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: 'fuse',
  });
  // Without this handler an idle client's network error would crash the process.
  pool.on('error', (err) => logger.error({ err }, 'database pool client error'));
  return pool;
}

export function getDb(): Database {
  if (!globalForDb.fuseDb) {
    const { database } = config();
    if (!database.url) throw new ConfigError(MISSING_DATABASE_MESSAGE);
    const pool = createPool(database.url, database.poolMax);
    globalForDb.fuseDb = { pool, db: drizzle({ client: pool }) };
  }
  return globalForDb.fuseDb.db;
}

export function getPool(): pg.Pool {
  getDb();
  return globalForDb.fuseDb!.pool;
}

export async function closeDb(): Promise<void> {
  const state = globalForDb.fuseDb;
  globalForDb.fuseDb = undefined;
  await state?.pool.end();
}
