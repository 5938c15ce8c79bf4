import 'server-only';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { config, ConfigError, MISSING_DATABASE_MESSAGE } from '@/fuse/config';
import { logger } from '@/fuse/observability/logger';
import { processSingleton } from '@/fuse/singleton';
import { scrubText } from '@/fuse/observability/scrub';

export type Database = NodePgDatabase<Record<string, unknown>>;

type DbState = { pool: pg.Pool; db: Database };
const globalForDb = processSingleton('db', (): { fuseDb?: DbState } => ({}));

/** Reads integer/bigint columns as JS numbers; FUSE ids stay far below 2^53. */
pg.types.setTypeParser(20, (v) => Number(v));

/** The database did not answer in time or cannot be reached: answered 503, worth retrying shortly. */
export class DatabaseUnavailableError extends Error {
  readonly status = 503;
  readonly headers = { 'Retry-After': '5' };
  constructor(cause?: unknown) {
    super('The database is not answering. Try again in a few seconds.', { cause });
    this.name = 'DatabaseUnavailableError';
  }
}

/** Connection-level failures (refused, reset, terminated, timed out) and PostgreSQL's shutdown/cancel codes. */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', '57014', '57P01', '57P02', '57P03']);
const UNAVAILABLE_MESSAGES =
  /^(Query read timeout|timeout exceeded when trying to connect|Connection terminated|Client has encountered a connection error|Client was closed)/;

/**
 * The DatabaseUnavailableError behind `err` (the data layer wraps driver errors, e.g. Drizzle's
 * "Failed query" with the driver error as its cause), or null when the database is not the cause.
 */
export function databaseUnavailable(err: unknown): DatabaseUnavailableError | null {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof DatabaseUnavailableError) return e;
    const code = (e as { code?: unknown }).code;
    if ((typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) || UNAVAILABLE_MESSAGES.test(e.message)) {
      return new DatabaseUnavailableError(e);
    }
  }
  return null;
}

/** What a log line says of a driver error: its message and code, never the client it came from. */
export function dbErrorFields(err: unknown): { message: string; code?: string } {
  const code = (err as { code?: unknown })?.code;
  return { message: scrubText(err instanceof Error ? err.message : String(err)), ...(typeof code === 'string' ? { code } : {}) };
}

/**
 * A client whose queries answer within `queryTimeoutMs`. A query that does not fails with
 * DatabaseUnavailableError and the connection is dropped at once: it may still be busy with that
 * query (or the server may be stalled), so neither the pool nor the same request may use it again
 * (a transaction's rollback on it fails at once instead of waiting a second time).
 * COPY and cursor streams (backups) are not bounded: they run as long as their data takes.
 *
 * A connection that ends while checked out (dropped here, or the server restarted) goes back to
 * the pool as broken at once. Drizzle never releases a client whose `begin` failed: without this,
 * each such failure would keep a pool slot for ever, and the pool could never end (shutdown).
 */
function boundedClient(queryTimeoutMs: number): typeof pg.Client {
  class BoundedClient extends pg.Client {
    private discarded: DatabaseUnavailableError | null = null;
    private poolRelease: ((err?: Error | boolean) => void) | null = null;
    private checkedOut = false;
    private releasedBroken = false;

    constructor(config?: string | pg.ClientConfig) {
      super(config);
      // A connection error while checked out also fails the query in flight, which reports it; an
      // 'error' event nobody listens to would throw and end the process.
      this.on('error', () => undefined);
      this.once('end', () => {
        if (!this.checkedOut || !this.poolRelease) return;
        this.checkedOut = false;
        this.releasedBroken = true;
        this.poolRelease(this.discarded ?? new Error('Connection terminated'));
      });
    }

    /** Set by the pool at each checkout. */
    set release(fn: (err?: Error | boolean) => void) {
      this.poolRelease = fn;
      this.checkedOut = true;
      this.releasedBroken = false;
    }

    get release(): (err?: Error | boolean) => void {
      return (err) => {
        // Already back in the pool as broken: the caller's own release is a no-op.
        if (this.releasedBroken) return;
        this.checkedOut = false;
        this.poolRelease?.(err);
      };
    }

    // One implementation for pg's overloads (text or config; promise or callback).
    // @ts-expect-error: pg's overloads cannot be restated one by one here.
    override query(...args: unknown[]): unknown {
      const [first] = args;
      const run = super.query as (...a: unknown[]) => unknown;
      if (first && typeof (first as { submit?: unknown }).submit === 'function') return run.apply(this, args);
      const last = args[args.length - 1];
      const callback = typeof last === 'function' ? (last as (err: Error | null, res?: unknown) => void) : null;
      const rest = callback ? args.slice(1, -1) : args.slice(1);
      if (this.discarded) {
        const err = this.discarded;
        if (callback) return void process.nextTick(() => callback(err));
        return Promise.reject(err);
      }
      const bounded = { query_timeout: queryTimeoutMs, ...(typeof first === 'string' ? { text: first } : (first as object)) };
      const onError = (err: unknown) => {
        if (!(err instanceof Error && err.message === 'Query read timeout')) return err;
        this.discarded ??= new DatabaseUnavailableError(err);
        this.end().catch(() => undefined);
        return this.discarded;
      };
      if (callback) return run.call(this, bounded, ...rest, (err: Error | null, res: unknown) => callback(err ? (onError(err) as Error) : null, res));
      return (run.call(this, bounded, ...rest) as Promise<unknown>).catch((err: unknown) => {
        throw onError(err);
      });
    }
  }
  return BoundedClient as unknown as typeof pg.Client;
}

export function createPool(url: string, max: number, queryTimeoutMs = 5_000, options: { statementTimeout?: boolean } = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    // Also bounds the wait for a free connection of the pool.
    connectionTimeoutMillis: queryTimeoutMs,
    idleTimeoutMillis: 30_000,
    application_name: 'fuse',
    // The server cancels a statement running longer (a lock wait, a runaway query) on its own.
    ...(options.statementTimeout ? { statement_timeout: queryTimeoutMs } : {}),
    Client: boundedClient(queryTimeoutMs),
  });
  // Without this handler an idle client's network error would crash the process. The error
  // carries the whole driver client (pg-pool sets err.client): log what says what happened, and the pool.
  pool.on('error', (err) =>
    logger.error(
      { err: dbErrorFields(err), pool: { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount } },
      'database pool client error',
    ),
  );
  return pool;
}

export function getDb(): Database {
  if (!globalForDb.fuseDb) {
    const { database } = config();
    if (!database.url) throw new ConfigError(MISSING_DATABASE_MESSAGE);
    // The embedded database (PGlite) runs one statement at a time in a child process of the CLI: the client bound is enough.
    const pool = createPool(database.url, database.poolMax, database.queryTimeoutMs, { statementTimeout: !database.embedded });
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
