import 'server-only';
import { desc, eq, sql } from 'drizzle-orm';
import { Counter } from 'prom-client';
import { NextResponse } from 'next/server';
import { assertCan, type Action } from '@/fuse/auth/permissions';
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
 * The business's newest outbox row (its id and time), or null when it has none: one backward step of
 * outbox_business_id_idx. The time is text so that its microseconds survive.
 */
export async function readPosition(db: Database, businessId: string): Promise<{ id: number; at: string } | null> {
  let statement = positionStatements.get(db);
  if (!statement) positionStatements.set(db, (statement = buildPositionStatement(db)));
  const [row] = await timed('readCache.position', () => statement.execute({ businessId }));
  return row ? { id: row.id, at: row.at } : null;
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

type Cached<V> = { position: { id: number; at: string } | null; value: V };

/**
 * `produce`'s value through the cache: it runs only when this business's data moved since the value
 * was cached for the same `name` and `params`, or it was never asked. `size` gives the bytes an
 * entry holds. The position read for the key comes back with the value (a page hands it to its live
 * stream). Errors are never cached: they are thrown again on every request.
 */
async function cachedRead<V>(
  db: Database,
  session: Pick<Session, 'businessId' | 'rank'>,
  name: string,
  params: Record<string, string>,
  produce: () => Promise<V>,
  size: (value: V) => number,
  accept: (hit: unknown) => hit is V,
): Promise<Cached<V>> {
  const limits = config().readCache;
  // Before the data: a write landing in between is then newer than the key, never hidden by it.
  const position = await readPosition(db, session.businessId);
  if (position === null || limits.maxEntries === 0) {
    if (limits.maxEntries > 0) lookups.inc({ result: 'uncached' });
    return { position, value: await produce() };
  }
  const key = `${name}\u0000${session.businessId}\u0000${session.rank}\u0000${position.id}@${position.at}\u0000${normalisedParams(params)}`;
  const hit = cache.get(key);
  if (hit !== undefined && accept(hit)) {
    lookups.inc({ result: 'hit' });
    return { position, value: hit };
  }
  lookups.inc({ result: 'miss' });
  const value = await produce();
  cache.set(key, value, size(value), limits);
  return { position, value };
}

const isBody = (hit: unknown): hit is Uint8Array => hit instanceof Uint8Array;

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
  const body = async () => encoder.encode(JSON.stringify(await produce()));
  if (config().readCache.maxEntries === 0) return jsonResponse(await body());
  const { value } = await cachedRead(db, session, `json\u0000${name}`, params, body, (b) => b.byteLength, isBody);
  return jsonResponse(value);
}

/** A page's data as cached: a box, so that a falsy value is still a hit. */
type PageBox<T> = { data: T };
const isPageBox = <T>(hit: unknown): hit is PageBox<T> => typeof hit === 'object' && hit !== null && 'data' in hit;

/**
 * A dashboard page's data through the same cache, with the live position the page hands its stream
 * (the business's newest outbox id, 0 when it has none) read once for both. The data is shared by
 * every request that hits, so it is frozen: a page reads it, never changes it. The permission is
 * checked on every request. `params` must hold everything besides the business, its rank and its data that the data depends on (a filter; the
 * minute, for data that depends on the date).
 */
export async function cachedPageData<T>(
  db: Database,
  session: Pick<Session, 'businessId' | 'rank'>,
  read: { name: string; permission: Action; params?: Record<string, string> },
  produce: () => Promise<T>,
): Promise<{ livePosition: number; data: T }> {
  // On every request, hit or not: the rank in the key is never a stand-in for the check.
  assertCan(session, read.permission);
  const box = async (): Promise<PageBox<T>> => Object.freeze({ data: deepFreeze(await produce()) });
  const { position, value } = await cachedRead(
    db,
    session,
    `page\u0000${read.name}`,
    read.params ?? {},
    box,
    (b) => JSON.stringify(b.data).length * 2,
    isPageBox<T>,
  );
  return { livePosition: position?.id ?? 0, data: value.data };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** The minute, for `params` of data that depends on the date (this month, overdue today): cached at most a minute past midnight. */
export function currentMinute(): string {
  return new Date().toISOString().slice(0, 16);
}
