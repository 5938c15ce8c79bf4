import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/cli/demo-data';
import { migrateDatabase } from '../../src/fuse/db/migrate';
import { startAppServer, type AppServer } from '../setup/app-server';
import { createPostgresDatabase } from '../setup/databases';
import { changeOf, createClientOverApi, isChange, newClientBody, openStream, signIn, type OpenStream } from './live-helpers';

const serverUrl = process.env.DATABASE_URL;
if (!serverUrl && process.env.CI) throw new Error('CI=true but DATABASE_URL is not set: the cross-instance test must run in CI.');

describe.runIf(serverUrl)('live changes across two app instances on one PostgreSQL', () => {
  let database: { url: string; drop: () => Promise<void> };
  let one: AppServer;
  let two: AppServer;
  const streams: OpenStream[] = [];

  beforeAll(async () => {
    database = await createPostgresDatabase(serverUrl!, 'fuse_live');
    await migrateDatabase(database.url);
    const pool = new pg.Pool({ connectionString: database.url, max: 1 });
    await seedDemo(drizzle({ client: pool }));
    await pool.end();
    const env = { DATABASE_URL: database.url, RATE_LIMIT_MAX: '100000', FUSE_EMBEDDED_DATABASE_URL: '' };
    [one, two] = await Promise.all([startAppServer(env), startAppServer(env)]);
  });

  afterAll(async () => {
    streams.forEach((s) => s.close());
    await Promise.all([one?.stop(), two?.stop()]);
    await database?.drop();
  });

  it('delivers a change made through one instance to a stream held by the other', async () => {
    const cookie = await signIn(one.url);
    const onTwo = await openStream(two.url, cookie);
    const onOne = await openStream(one.url, cookie);
    streams.push(onTwo, onOne);
    const body = newClientBody('cross');
    const res = await createClientOverApi(one.url, cookie, body);
    expect(res.status).toBe(201);
    const fromTwo = changeOf(await onTwo.next(isChange));
    const fromOne = changeOf(await onOne.next(isChange));
    expect(fromTwo.data.email).toBe(body.email);
    expect(fromTwo.id).toBe(fromOne.id);

    // And back: a change through the second reaches the first, in order after the previous one.
    const back = newClientBody('cross-back');
    expect((await createClientOverApi(two.url, cookie, back)).status).toBe(201);
    const next = changeOf(await onOne.next(isChange));
    expect(next.data.email).toBe(back.email);
    expect(next.id).toBeGreaterThan(fromOne.id);
  });

  it('closes open streams on SIGTERM so the instance stops promptly', async () => {
    const cookie = await signIn(two.url);
    const stream = await openStream(two.url, cookie);
    const started = Date.now();
    const exit = two.stop('SIGTERM');
    await stream.ended;
    await exit;
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
