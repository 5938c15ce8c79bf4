import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClientView } from '@/domains/clients/queries';
import { clientsSlice, type ClientFilter } from '@/domains/clients/slice';
import { createDomainStore } from '@/fuse/store/domain-store';
import type { LiveChange } from '@/fuse/store/slices';

/**
 * The optimistic paths of the paged list every list domain is built from, driven through the
 * clients slice against a scripted server (fetch), so each answer arrives when the test says.
 */

type Call = { url: string; method: string; headers: Record<string, string>; body: unknown; answer: (status: number, body: unknown) => void };

let calls: Call[] = [];

beforeEach(() => {
  calls = [];
  vi.stubGlobal('fetch', (url: string, init: RequestInit = {}) => {
    return new Promise<Response>((resolve) => {
      calls.push({
        url,
        method: init.method ?? 'GET',
        headers: (init.headers ?? {}) as Record<string, string>,
        body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
        answer: (status, body) => resolve(new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })),
      });
    });
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

/** The fetches made so far, once the store's microtasks have run. */
async function next(): Promise<Call> {
  await vi.waitFor(() => expect(calls.length).toBeGreaterThan(0));
  return calls.shift()!;
}

function client(id: number, patch: Partial<ClientView> = {}): ClientView {
  return {
    id,
    email: `c${id}@example.com`,
    firstName: `First${id}`,
    lastName: `Last${id}`,
    status: 'active',
    phone: null,
    company: null,
    notes: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...patch,
  };
}

const createStore = createDomainStore('clients', clientsSlice);

function store(items = [client(30), client(20), client(10)], nextCursor: string | null = null, filter: ClientFilter = { status: 'active', q: '' }) {
  return createStore({
    session: { userId: 'u1', businessId: 'b1', rank: 'captain', name: 'Cap', email: 'cap@example.com', theme: 'light' },
    clients: { items, nextCursor, filter },
  });
}

const ids = (s: ReturnType<typeof store>) => s.getState().clients.items.map((c) => c.id);
const change = (data: ClientView, mutationId: string | null = null, id = 1): LiveChange => ({
  id,
  domain: 'clients',
  kind: 'upsert',
  entityId: String(data.id),
  data,
  mutationId,
});

describe('paged list: create', () => {
  it('shows the new row at once, then the saved one in its place, tagged so a retry is not a second row', async () => {
    const s = store();
    const done = s.getState().clients.create({ email: ' New@Example.com ', firstName: 'New', lastName: 'Row' });
    const [first] = s.getState().clients.items;
    expect(first!.id).toBeLessThan(0);
    expect(first!.email).toBe('new@example.com');
    const call = await next();
    expect(call).toMatchObject({ url: '/api/clients', method: 'POST', body: { email: ' New@Example.com ', firstName: 'New', lastName: 'Row' } });
    expect(call.headers['x-mutation-id']).toEqual(expect.any(String));
    expect(call.headers['idempotency-key']).toBe(call.headers['x-mutation-id']);
    expect(Object.keys(s.getState().clients.pending)).toEqual([call.headers['x-mutation-id']]);
    call.answer(201, client(31, { email: 'new@example.com' }));
    expect(await done).toBe(true);
    expect(ids(s)).toEqual([31, 30, 20, 10]);
    expect(s.getState().clients.pending).toEqual({});
    expect(s.getState().ui.toast).toBeNull();
  });

  it('removes the optimistic row and shows the server message when the create is refused', async () => {
    const s = store();
    const done = s.getState().clients.create({ email: 'dup@example.com', firstName: 'D', lastName: 'U' });
    expect(ids(s)).toHaveLength(4);
    (await next()).answer(409, { error: 'A client with this email already exists.' });
    expect(await done).toBe(false);
    expect(ids(s)).toEqual([30, 20, 10]);
    expect(s.getState().clients.pending).toEqual({});
    expect(s.getState().ui.toast).toEqual({ kind: 'error', message: 'A client with this email already exists. Your change was undone.' });
  });
});

describe('paged list: update and archive', () => {
  it('shows an edit at once and keeps the saved version', async () => {
    const s = store();
    const done = s.getState().clients.update(20, { company: 'Acme' });
    expect(s.getState().clients.items[1]!.company).toBe('Acme');
    const call = await next();
    expect(call).toMatchObject({ url: '/api/clients/20', method: 'PATCH', body: { company: 'Acme' } });
    call.answer(200, client(20, { company: 'Acme Ltd' }));
    expect(await done).toBe(true);
    expect(s.getState().clients.items[1]!.company).toBe('Acme Ltd');
    expect(ids(s)).toEqual([30, 20, 10]);
  });

  it('puts the row back as it was when the edit is refused, keeping live changes to other rows', async () => {
    const s = store();
    const before = s.getState().clients.items[1];
    const done = s.getState().clients.update(20, { firstName: 'Changed' });
    const call = await next();
    // Someone else's change to another row arrives meanwhile.
    s.getState().clients.apply(change(client(10, { company: 'Theirs' })));
    call.answer(403, { error: 'Your rank may not edit clients.' });
    expect(await done).toBe(false);
    expect(s.getState().clients.items[1]).toBe(before);
    expect(s.getState().clients.items[2]!.company).toBe('Theirs');
    expect(s.getState().ui.toast?.message).toBe('Your rank may not edit clients. Your change was undone.');
  });

  it('hides an archived row from the active list at once, and brings it back to its place on error', async () => {
    const s = store();
    const ok = s.getState().clients.archive(20);
    expect(ids(s)).toEqual([30, 10]);
    const call = await next();
    expect(call).toMatchObject({ url: '/api/clients/20', method: 'DELETE' });
    call.answer(200, client(20, { status: 'archived' }));
    expect(await ok).toBe(true);
    expect(ids(s)).toEqual([30, 10]);

    const refused = s.getState().clients.archive(10);
    expect(ids(s)).toEqual([30]);
    (await next()).answer(500, { error: 'Internal error.' });
    expect(await refused).toBe(false);
    expect(ids(s)).toEqual([30, 10]);
  });

  it('keeps an archived row, marked archived, when the filter shows every status', async () => {
    const s = store(undefined, null, { status: 'all', q: '' });
    const ok = s.getState().clients.archive(20);
    expect(s.getState().clients.items.map((c) => [c.id, c.status])).toEqual([
      [30, 'active'],
      [20, 'archived'],
      [10, 'active'],
    ]);
    (await next()).answer(200, client(20, { status: 'archived' }));
    expect(await ok).toBe(true);
  });
});

describe('paged list: live changes', () => {
  it('skips the echo of its own pending mutation and applies everyone else', async () => {
    const s = store();
    const done = s.getState().clients.create({ email: 'mine@example.com', firstName: 'M', lastName: 'E' });
    const call = await next();
    const mine = call.headers['x-mutation-id']!;
    // Our own echo arrives before the HTTP answer: not a second row.
    s.getState().clients.apply(change(client(31, { email: 'mine@example.com' }), mine));
    expect(s.getState().clients.items.filter((c) => c.email === 'mine@example.com')).toHaveLength(1);
    // Someone else's new client: shown.
    s.getState().clients.apply(change(client(32, { email: 'theirs@example.com' }), 'other-tab'));
    call.answer(201, client(31, { email: 'mine@example.com' }));
    await done;
    expect(ids(s)).toEqual([32, 31, 30, 20, 10]);
    // A late echo (after the answer) replaces the row rather than adding one.
    s.getState().clients.apply(change(client(31, { email: 'mine@example.com' }), mine));
    expect(ids(s)).toEqual([32, 31, 30, 20, 10]);
  });

  it('ignores other domains and kinds, drops a row that leaves the filter, and leaves older rows to later pages', () => {
    const s = store([client(30), client(20)], 'cursor-1');
    // What the stream may carry that this list does not hold: another domain's row, a kind no domain declares.
    s.getState().clients.apply({ ...change(client(40)), domain: 'finance' } as unknown as LiveChange);
    s.getState().clients.apply({ ...change(client(41)), kind: 'deleted' } as unknown as LiveChange);
    expect(ids(s)).toEqual([30, 20]);
    s.getState().clients.apply(change(client(30, { status: 'archived' })));
    expect(ids(s)).toEqual([20]);
    s.getState().clients.apply(change(client(5)));
    expect(ids(s)).toEqual([20]);
  });
});

describe('paged list: toasts for changes made by others', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const toast = (s: ReturnType<typeof store>) => s.getState().ui.toast;

  it('says a client was added, or updated, once the change has settled', () => {
    const s = store();
    s.getState().clients.apply(change(client(31), 'their-tab'));
    expect(toast(s)).toBeNull();
    vi.advanceTimersByTime(1_000);
    expect(toast(s)).toEqual({ kind: 'info', message: 'A client was added' });
    s.getState().ui.dismissToast();
    s.getState().clients.apply(change(client(20, { company: 'Theirs' })));
    vi.advanceTimersByTime(1_000);
    expect(toast(s)).toEqual({ kind: 'info', message: 'Client updated' });
  });

  it("never toasts this tab's own changes, whether the echo comes before or after the answer", async () => {
    const s = store();
    const created = s.getState().clients.create({ email: 'mine@example.com', firstName: 'M', lastName: 'E' });
    const post = await next();
    s.getState().clients.apply(change(client(31, { email: 'mine@example.com' }), post.headers['x-mutation-id']));
    post.answer(201, client(31, { email: 'mine@example.com' }));
    await created;
    const updated = s.getState().clients.update(20, { company: 'Mine' });
    const patch = await next();
    patch.answer(200, client(20, { company: 'Mine' }));
    await updated;
    // The echo of the edit arrives after its answer.
    s.getState().clients.apply(change(client(20, { company: 'Mine' }), patch.headers['x-mutation-id']));
    vi.advanceTimersByTime(5_000);
    expect(toast(s)).toBeNull();
    expect(ids(s)).toEqual([31, 30, 20, 10]);
  });

  it('gathers a burst into one toast that counts the rows, each row once', () => {
    const s = store();
    const shown: string[] = [];
    s.subscribe((state) => {
      if (state.ui.toast && state.ui.toast.message !== shown.at(-1)) shown.push(state.ui.toast.message);
    });
    for (let i = 0; i < 20; i++) {
      s.getState().clients.apply(change(client(100 + i), null, i + 1));
      vi.advanceTimersByTime(50);
    }
    s.getState().clients.apply(change(client(100, { company: 'Again' }), null, 21));
    vi.advanceTimersByTime(5_000);
    expect(shown).toEqual(['20 clients changed']);
  });

  it('ends a long stream of changes in steps, and leaves an unread error in place', () => {
    const s = store();
    for (let i = 0; i < 60; i++) {
      s.getState().clients.apply(change(client(100 + i), null, i + 1));
      vi.advanceTimersByTime(100);
    }
    // Six seconds of changes: not one toast at the very end, but one every few seconds.
    expect(toast(s)?.message).toMatch(/^\d+ clients changed$/);
    s.getState().ui.showToast('error', 'Could not save. Your change was undone.');
    s.getState().clients.apply(change(client(500)));
    vi.advanceTimersByTime(5_000);
    expect(toast(s)).toEqual({ kind: 'error', message: 'Could not save. Your change was undone.' });
  });
});

describe('paged list: load more and filters', () => {
  it('loads the next page with the cursor and the filter, without duplicates, and stops at the end', async () => {
    const s = store([client(30), client(20)], 'cursor-1', { status: 'lead', q: 'ann' });
    const more = s.getState().clients.loadMore();
    expect(s.getState().clients.busy).toBe(true);
    const call = await next();
    const url = new URL(call.url, 'http://x');
    expect(url.pathname).toBe('/api/clients');
    expect(Object.fromEntries(url.searchParams)).toEqual({ status: 'lead', q: 'ann', cursor: 'cursor-1' });
    call.answer(200, { items: [client(20), client(15), client(12)], nextCursor: null });
    await more;
    expect(ids(s)).toEqual([30, 20, 15, 12]);
    expect(s.getState().clients.busy).toBe(false);
    expect(s.getState().clients.nextCursor).toBeNull();
    await s.getState().clients.loadMore();
    expect(calls).toHaveLength(0);
  });

  it('a filter change replaces the list, and a slower answer for an older filter never overwrites a newer one', async () => {
    const s = store([client(30)], 'cursor-1');
    const older = s.getState().clients.setFilter({ status: 'all' });
    const first = await next();
    expect(Object.fromEntries(new URL(first.url, 'http://x').searchParams)).toEqual({});
    const newer = s.getState().clients.setFilter({ q: 'zed' });
    const second = await next();
    expect(Object.fromEntries(new URL(second.url, 'http://x').searchParams)).toEqual({ q: 'zed' });
    second.answer(200, { items: [client(7, { firstName: 'Zed' })], nextCursor: null });
    await newer;
    first.answer(200, { items: [client(30), client(29)], nextCursor: 'c2' });
    await older;
    expect(ids(s)).toEqual([7]);
    expect(s.getState().clients.nextCursor).toBeNull();
    expect(s.getState().clients.filter).toEqual({ status: 'all', q: 'zed' });
  });

  it('drops a page that arrives after the filter changed', async () => {
    const s = store([client(30)], 'cursor-1');
    const more = s.getState().clients.loadMore();
    const page = await next();
    const filtered = s.getState().clients.setFilter({ q: 'x' });
    const fresh = await next();
    fresh.answer(200, { items: [client(3, { firstName: 'x' })], nextCursor: null });
    await filtered;
    page.answer(200, { items: [client(29)], nextCursor: 'c2' });
    await more;
    expect(ids(s)).toEqual([3]);
  });
});
