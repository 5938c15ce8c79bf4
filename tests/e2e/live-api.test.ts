import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { changeOf, createClientOverApi, isChange, newClientBody, openStream, signIn, signUp, type OpenStream } from './live-helpers';

const baseUrl = inject('baseUrl');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('GET /api/live', () => {
  let captain: string;
  let stranger: string;
  const streams: OpenStream[] = [];
  const track = (s: OpenStream) => (streams.push(s), s);

  beforeAll(async () => {
    captain = await signIn(baseUrl);
    stranger = await signUp(baseUrl, 'live-stranger');
  });
  afterAll(() => streams.forEach((s) => s.close()));

  it('refuses a request without a session', async () => {
    const res = await fetch(`${baseUrl}/api/live`);
    expect(res.status).toBe(401);
  });

  it('is an uncached event stream that starts with the position', async () => {
    const stream = track(await openStream(baseUrl, captain));
    expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(stream.response.headers.get('cache-control')).toMatch(/no-store/);
    const ready = stream.events.find((e) => e.event === 'ready')!;
    expect(JSON.parse(ready.data).position).toEqual(expect.any(Number));
  });

  it('delivers a create to its business (event id = outbox id, with the mutation id) and never to another', async () => {
    const mine = track(await openStream(baseUrl, captain));
    const theirs = track(await openStream(baseUrl, stranger));
    const mutationId = randomUUID();
    const body = newClientBody();
    const res = await createClientOverApi(baseUrl, captain, body, { 'x-mutation-id': mutationId });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: number };
    const event = await mine.next(isChange);
    const change = changeOf(event);
    expect(change).toMatchObject({ domain: 'clients', kind: 'upsert', entityId: String(created.id), mutationId });
    expect(change.data.email).toBe(body.email);
    expect(event.id).toBe(String(change.id));
    await sleep(300);
    expect(theirs.events.filter(isChange)).toHaveLength(0);
  });

  it('replays the missed events after Last-Event-ID (or ?after=), in order', async () => {
    const first = track(await openStream(baseUrl, captain));
    await createClientOverApi(baseUrl, captain, newClientBody());
    const seen = Number((await first.next(isChange)).id);
    first.close();
    const emails = [newClientBody(), newClientBody(), newClientBody()];
    for (const b of emails) expect((await createClientOverApi(baseUrl, captain, b)).status).toBe(201);

    for (const resume of [{ lastEventId: seen }, { after: seen }]) {
      const again = track(await openStream(baseUrl, captain, resume));
      const got = [await again.next(isChange), await again.next(isChange), await again.next(isChange)];
      expect(got.map((e) => changeOf(e).data.email)).toEqual(emails.map((b) => b.email));
      const ids = got.map((e) => Number(e.id));
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
      expect(ids[0]).toBeGreaterThan(seen);
      again.close();
    }
  });

  it('refuses a malformed resume position', async () => {
    const res = await fetch(`${baseUrl}/api/live?after=abc`, { headers: { cookie: captain } });
    expect(res.status).toBe(400);
  });
});

describe('POST /api/clients with Idempotency-Key', () => {
  let captain: string;
  beforeAll(async () => {
    captain = await signIn(baseUrl);
  });

  it('creates one client for a key sent twice and answers the same', async () => {
    const key = randomUUID();
    const body = newClientBody('idem');
    const first = await createClientOverApi(baseUrl, captain, body, { 'idempotency-key': key });
    const second = await createClientOverApi(baseUrl, captain, body, { 'idempotency-key': key });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await second.json()).toEqual(await first.json());
    const list = await fetch(`${baseUrl}/api/clients?q=${encodeURIComponent(body.email)}`, { headers: { cookie: captain } });
    expect(((await list.json()) as { items: unknown[] }).items).toHaveLength(1);
  });

  it('creates one client for concurrent duplicates', async () => {
    const key = randomUUID();
    const body = newClientBody('idem-c');
    const responses = await Promise.all(Array.from({ length: 4 }, () => createClientOverApi(baseUrl, captain, body, { 'x-mutation-id': key })));
    expect(responses.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    const ids = await Promise.all(responses.map(async (r) => ((await r.json()) as { id: number }).id));
    expect(new Set(ids).size).toBe(1);
  });

  it('answers 422 for the same key with a different body', async () => {
    const key = randomUUID();
    expect((await createClientOverApi(baseUrl, captain, newClientBody('idem-d'), { 'idempotency-key': key })).status).toBe(201);
    const res = await createClientOverApi(baseUrl, captain, newClientBody('idem-e'), { 'idempotency-key': key });
    expect(res.status).toBe(422);
  });
});
