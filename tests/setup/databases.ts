import pg from 'pg';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../src/fuse/db/embedded';
import { migrateDatabase } from '../../src/fuse/db/migrate';

/**
 * Test databases: an embedded PGlite always, and a fresh PostgreSQL database (created on the server
 * DATABASE_URL points at, dropped afterwards) when DATABASE_URL is set. Under CI=true a missing or
 * unreachable PostgreSQL is a failure, never a skip.
 */
export type TestDatabases = { pglite: string; postgres: string | null; stop: () => Promise<void> };

/**
 * A short-lived admin connection to the server. A connection error is also the error of the query in
 * flight, which reports it; as an unheard 'error' event it would be thrown besides (in Vitest's own
 * process, for the global setup and teardown). Ended whatever the query did.
 */
async function onServer(serverUrl: string, query: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function createPostgresDatabase(serverUrl: string, prefix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}`;
  await onServer(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => onServer(serverUrl, `drop database if exists ${name} with (force)`),
  };
}

export async function startTestDatabases(prefix = 'fuse_test'): Promise<TestDatabases> {
  const stops: (() => Promise<void>)[] = [];
  let embedded: EmbeddedDatabase | undefined;
  try {
    embedded = await startEmbeddedDatabase('memory://');
    stops.push(embedded.stop);
    await migrateDatabase(embedded.url);
    let postgres: string | null = null;
    const serverUrl = process.env.DATABASE_URL;
    if (serverUrl) {
      const created = await createPostgresDatabase(serverUrl, prefix);
      stops.push(created.drop);
      await migrateDatabase(created.url);
      postgres = created.url;
    } else if (process.env.CI) {
      throw new Error('CI=true but DATABASE_URL is not set: the PostgreSQL tests must run in CI.');
    }
    return {
      pglite: embedded.url,
      postgres,
      stop: async () => {
        for (const stop of stops.reverse()) await stop().catch(() => undefined);
      },
    };
  } catch (err) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw err;
  }
}
