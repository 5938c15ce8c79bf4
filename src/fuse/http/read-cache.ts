import 'server-only';
import { desc, eq, sql } from 'drizzle-orm';
import { Counter } from 'prom-client';
import { NextResponse } from 'next/server';
import { config } from '@/fuse/config';
import type { Database } from '@/fuse/db/client';
import { timed } from '@/fuse/db/timed';
import { outbox } from '@/fuse/live/schema';
import { metrics } from '@/fuse/observability/metrics';
import type { Session } from '@/fuse/session/token';
import { processSingleton } from '@/fuse/singleton';
import { PRIVATE_NO_STORE } from './handler';
import { readCacheStore as cache } from './read-cache-store';

export { clearReadCache, readCacheSize } from './read-cache-store';

/**
 * An in-process cache of read answers (the serialised JSON body), keyed by the business's outbox
 * position: every write of the data layer records an outbox row in its own transaction, so a
 * business whose newest outbox row is the same has the same rows. The position is read from the
 * database in the request itself, before the data, so a write acknowledged by any instance is
 * seen by the next read on every instance. The position is the newest row's id and its time: a
 * database restored from a backup hands out the same ids again, but never at the same time.
 *
 * Writes that bypass the outbox (the seeders) leave a business without outbox rows; such a
 * business (position 0) is never cached. A restore in this process clears the cache too.
 *
 * Callers check the session and the permission first: the cache only ever skips the query.
 */
const lookups = processSingleton(
  'readCacheLookups',
  () =>
    new Counter({
      name: 'fuse_read_cache_lookups_total',
      help: 'Cached read answers looked up, by result (hit, miss, uncached: the business has no outbox position yet)',
      labelNames: ['result'],
      registers: [metrics.registry],
    }),
);

function buildPositionStatement(db: Database) {
  // Unnamed: built once per database handle, parsed by PostgreSQL per call (transaction-mode poolers).
  return db
    .select({ id: outbox.id, at: sql<string>`${outbox.at}::text` })
    .from(outbox)
    .where(eq(outbox.businessId, sql.placeholder('businessId')))
    .orderBy(desc(outbox.id))
    .limit(1)
    .prepare('');
}

const positionStatements = new WeakMap<Database, ReturnType<typeof buildPositionStatement>>();

/**
 * The business's newest outbox row as `id@time`, or null when it has none: one backward step of
 * outbox_business_id_idx. The time is text so that its microseconds survive.
 */
export async function readPosition(db: Database, businessId: string): Promise<string | null> {
  let statement = positionStatements.get(db);
  if (!statement) positionStatements.set(db, (statement = buildPositionStatement(db)));
  const [row] = await timed('readCache.position', () => statement.execute({ businessId }));
  return row ? `${row.id}@${row.at}` : null;
}

/** The query parameters as the route reads them (the last value of a repeated name), in a fixed order. */
function normalisedParams(params: Record<string, string>): string {
  return JSON.stringify(Object.entries(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

// Not Buffer.from: a small Buffer is a slice of a shared pool, which a cached entry would keep alive.
const encoder = new TextEncoder();

function jsonResponse(body: Uint8Array): NextResponse {
  return new NextResponse(body as BodyInit, { headers: { 'Content-Type': 'application/json', ...PRIVATE_NO_STORE } });
}

/**
 * A read answer through the cache: `produce` runs (and its JSON is kept) only when this business's
 * data moved since the answer was cached, or it was never asked. `name` tells routes apart;
 * `params` are everything else the answer depends on besides the business and its data. Errors
 * (bad parameters, a foreign cursor) are never cached: they are thrown again on every request.
 */
export async function cachedJson(
  db: Database,
  session: Pick<Session, 'businessId' | 'rank'>,
  name: string,
  params: Record<string, string>,
  produce: () => Promise<unknown>,
): Promise<NextResponse> {
  const limits = config().readCache;
  if (limits.maxEntries === 0) return jsonResponse(encoder.encode(JSON.stringify(await produce())));
  // Before the data: a write landing in between is then newer than the key, never hidden by it.
  const position = await readPosition(db, session.businessId);
  if (position === null) {
    lookups.inc({ result: 'uncached' });
    return jsonResponse(encoder.encode(JSON.stringify(await produce())));
  }
  const key = `${name}\u0000${session.businessId}\u0000${session.rank}\u0000${position}\u0000${normalisedParams(params)}`;
  const hit = cache.get(key);
  if (hit) {
    lookups.inc({ result: 'hit' });
    return jsonResponse(hit);
  }
  lookups.inc({ result: 'miss' });
  const body = encoder.encode(JSON.stringify(await produce()));
  cache.set(key, body, limits);
  return jsonResponse(body);
}
