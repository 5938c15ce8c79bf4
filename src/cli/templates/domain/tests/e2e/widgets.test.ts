import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startAppServer, type AppServer } from '../setup/app-server';
import { baseEnv, seededPostgres } from './hardening-support';
import { openStream, isChange, changeOf } from './live-helpers';
import { call, cookieOf, DEMO_USERS, signInAs } from './ranks-helpers';

const baseUrl = inject('baseUrl');

type Item = { id: number; name: string; status: string };

async function json<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

describe('widgets through the production build', () => {
  let captain = '';
  let crew = '';
  let admiral = '';
  /** The commodore, acting in the second demo business. */
  let otherBusiness = '';

  beforeAll(async () => {
    captain = await signInAs(baseUrl, DEMO_USERS.captain);
    crew = await signInAs(baseUrl, DEMO_USERS.crew);
    admiral = await signInAs(baseUrl, DEMO_USERS.admiral);
    const commodore = await signInAs(baseUrl, DEMO_USERS.commodore);
    const list = await json<{ businesses: { businessId: string; name: string }[] }>(await call(baseUrl, commodore, 'GET', '/api/business'));
    const lighthouse = list.businesses.find((b) => b.name === 'Lighthouse Supply')!.businessId;
    const switched = await call(baseUrl, commodore, 'POST', '/api/business/switch', { businessId: lighthouse });
    expect(switched.status).toBe(200);
    otherBusiness = cookieOf(switched);
  });

  it('creates (idempotently), lists, shows in the first HTML, renames and archives, live to other tabs', async () => {
    const stream = await openStream(baseUrl, crew);
    try {
      const name = `Widget ${randomUUID()}`;
      const key = randomUUID();
      const post = () =>
        fetch(`${baseUrl}/api/widgets`, {
          method: 'POST',
          headers: { cookie: captain, 'content-type': 'application/json', 'idempotency-key': key },
          body: JSON.stringify({ name }),
        });
      const created = await post();
      expect(created.status).toBe(201);
      const item = await json<Item>(created);
      expect(item).toMatchObject({ name, status: 'active' });
      const retried = await post();
      expect(retried.status).toBe(201);
      expect(retried.headers.get('idempotent-replayed')).toBe('true');
      expect(await json<Item>(retried)).toEqual(item);

      // Another tab of the business hears of it on its live stream.
      const live = changeOf(await stream.next((e) => isChange(e) && changeOf(e).domain === 'widgets' && changeOf(e).entityId === String(item.id)));
      expect(live).toMatchObject({ kind: 'upsert', data: item });

      const list = await json<{ items: Item[] }>(await call(baseUrl, crew, 'GET', '/api/widgets'));
      expect(list.items.filter((w) => w.name === name)).toEqual([item]);

      // The page's first HTML already holds the data: no loading state, no fetch after paint.
      const page = await call(baseUrl, crew, 'GET', '/dashboard/widgets');
      expect(page.status).toBe(200);
      expect(await page.text()).toContain(name);

      const renamed = await call(baseUrl, captain, 'PATCH', `/api/widgets/${item.id}`, { name: `${name} renamed` });
      expect(renamed.status).toBe(200);
      expect(await json<Item>(renamed)).toMatchObject({ id: item.id, name: `${name} renamed`, status: 'active' });
      const archived = await call(baseUrl, captain, 'DELETE', `/api/widgets/${item.id}`);
      expect(archived.status).toBe(200);
      expect(await json<Item>(archived)).toMatchObject({ id: item.id, status: 'archived' });
      const active = await json<{ items: Item[] }>(await call(baseUrl, captain, 'GET', '/api/widgets?status=active'));
      expect(active.items.map((w) => w.id)).not.toContain(item.id);
      const one = await json<Item>(await call(baseUrl, captain, 'GET', `/api/widgets/${item.id}`));
      expect(one.status).toBe('archived');
    } finally {
      stream.close();
    }
  });

  it('refuses the ranks the permission table refuses, and changes nothing', async () => {
    const item = await json<Item>(await call(baseUrl, captain, 'POST', '/api/widgets', { name: 'Guarded widget' }));
    expect((await call(baseUrl, crew, 'PATCH', `/api/widgets/${item.id}`, { name: 'Crew edit' })).status).toBe(403);
    expect((await call(baseUrl, crew, 'DELETE', `/api/widgets/${item.id}`)).status).toBe(403);
    expect((await call(baseUrl, admiral, 'POST', '/api/widgets', { name: 'Support view' })).status).toBe(403);
    expect((await call(baseUrl, null, 'GET', '/api/widgets')).status).toBe(401);
    expect(await json<Item>(await call(baseUrl, captain, 'GET', `/api/widgets/${item.id}`))).toEqual(item);
  });

  it('refuses bad input with a 400 and unknown ids with a 404', async () => {
    for (const body of [{}, { name: '' }, { name: 'x'.repeat(201) }, { name: 'a\u0000b' }, { name: 'ok', extra: 1 }]) {
      expect((await call(baseUrl, captain, 'POST', '/api/widgets', body)).status, JSON.stringify(body)).toBe(400);
    }
    for (const id of ['0', '-1', 'abc', '1e3', '99999999999']) {
      expect((await call(baseUrl, captain, 'PATCH', `/api/widgets/${id}`, { name: 'x' })).status, id).toBe(404);
    }
  });

  it('a second business cannot see, change or archive it', async () => {
    const item = await json<Item>(await call(baseUrl, captain, 'POST', '/api/widgets', { name: `Private ${randomUUID()}` }));
    const list = await json<{ items: Item[] }>(await call(baseUrl, otherBusiness, 'GET', '/api/widgets?limit=200'));
    expect(list.items.map((w) => w.name)).not.toContain(item.name);
    expect((await call(baseUrl, otherBusiness, 'GET', `/api/widgets/${item.id}`)).status).toBe(404);
    expect((await call(baseUrl, otherBusiness, 'PATCH', `/api/widgets/${item.id}`, { name: 'Hijacked' })).status).toBe(404);
    expect((await call(baseUrl, otherBusiness, 'DELETE', `/api/widgets/${item.id}`)).status).toBe(404);
    const page = await call(baseUrl, otherBusiness, 'GET', '/dashboard/widgets');
    expect(await page.text()).not.toContain(item.name);
    expect(await json<Item>(await call(baseUrl, captain, 'GET', `/api/widgets/${item.id}`))).toEqual(item);
  });
});

/** Its own server and database: putting the demo business past due must not touch the other suites. */
describe('widgets of a business past due beyond its grace period', () => {
  let db: Awaited<ReturnType<typeof seededPostgres>>;
  let app: AppServer;

  beforeAll(async () => {
    db = await seededPostgres('fuse_widgets_billing');
    app = await startAppServer(baseEnv({ DATABASE_URL: db.url }));
  });
  afterAll(async () => {
    await app?.stop();
    await db?.pool.end();
    await db?.drop();
  });

  it('refuses every write with a 402 while the list still reads', async () => {
    const captain = await signInAs(app.url, DEMO_USERS.captain);
    const created = await call(app.url, captain, 'POST', '/api/widgets', { name: 'Before the missed payment' });
    expect(created.status).toBe(201);
    const item = await json<Item>(created);
    // A payment failed eight days ago: the seven days of grace are over.
    await db.pool.query(
      `update subscriptions set plan = 'pro', status = 'past_due', past_due_since = now() - interval '8 days'
        where business_id = (select business_id from widgets where id = $1)`,
      [item.id],
    );

    const refused = await call(app.url, captain, 'POST', '/api/widgets', { name: 'After the missed payment' });
    expect(refused.status).toBe(402);
    expect(await json<{ limit: string }>(refused)).toMatchObject({ limit: 'payment' });
    expect((await call(app.url, captain, 'PATCH', `/api/widgets/${item.id}`, { name: 'Renamed while past due' })).status).toBe(402);
    expect((await call(app.url, captain, 'DELETE', `/api/widgets/${item.id}`)).status).toBe(402);

    const list = await call(app.url, captain, 'GET', '/api/widgets');
    expect(list.status).toBe(200);
    expect((await json<{ items: Item[] }>(list)).items.filter((w) => w.id === item.id)).toEqual([item]);
    const page = await call(app.url, captain, 'GET', '/dashboard/widgets');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(item.name);
  });
});
