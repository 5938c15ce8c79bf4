import type { LiveChange, UiSlice } from '@/fuse/store/slices';
import type { ClientPage, ClientView } from './queries';
import type { ClientStatus } from './schema';
import { fetchJson, newMutationId } from '@/fuse/store/api';

export type ClientFilter = { status: ClientStatus | 'all'; q: string };

export type ClientsInitial = ClientPage & { filter: ClientFilter };

export type ClientsSlice = {
  clients: {
    items: ClientView[];
    nextCursor: string | null;
    filter: ClientFilter;
    /** Requests this tab sent and has not heard back about, by client mutation id. */
    pending: Record<string, true>;
    busy: boolean;
    loadMore: () => Promise<void>;
    setFilter: (filter: Partial<ClientFilter>) => Promise<void>;
    create: (input: NewClientInput) => Promise<boolean>;
    update: (id: number, patch: Partial<NewClientInput>) => Promise<boolean>;
    archive: (id: number) => Promise<boolean>;
    apply: (change: LiveChange) => void;
  };
};

export type NewClientInput = {
  email: string;
  firstName: string;
  lastName: string;
  status?: ClientStatus;
  phone?: string | null;
  company?: string | null;
  notes?: string | null;
};

type State = ClientsSlice & UiSlice;
type Set = (partial: Partial<State> | ((s: State) => Partial<State>)) => void;
type Get = () => State;


function query(filter: ClientFilter, cursor?: string | null): string {
  const params = new URLSearchParams();
  if (filter.status !== 'all') params.set('status', filter.status);
  if (filter.q) params.set('q', filter.q);
  if (cursor) params.set('cursor', cursor);
  return `/api/clients?${params}`;
}

export function matchesFilter(client: ClientView, filter: ClientFilter): boolean {
  if (filter.status !== 'all' && client.status !== filter.status) return false;
  if (!filter.q) return true;
  const q = filter.q.toLowerCase();
  return [client.email, client.firstName, client.lastName, `${client.firstName} ${client.lastName}`].some((v) =>
    v.toLowerCase().includes(q),
  );
}


/** Puts a client where the newest-first list wants it, or drops it when the filter excludes it. */
function placeClient(items: ClientView[], client: ClientView, filter: ClientFilter, replaceId = client.id): ClientView[] {
  const rest = items.filter((c) => c.id !== replaceId && c.id !== client.id);
  if (!matchesFilter(client, filter)) return rest;
  const index = rest.findIndex((c) => c.id > 0 && client.id > 0 && c.id < client.id);
  if (client.id < 0 || index === 0) return [client, ...rest];
  if (index === -1) {
    // Older than every row shown: it belongs on a later page unless the list is complete.
    return items.some((c) => c.id === replaceId) ? [...rest, client] : rest;
  }
  return [...rest.slice(0, index), client, ...rest.slice(index)];
}

export function clientsSlice(initial: ClientsInitial, set: Set, get: Get): ClientsSlice {
  const patch = (p: Partial<ClientsSlice['clients']>) => set((s) => ({ clients: { ...s.clients, ...p } }));
  const fail = (err: unknown) => get().ui.showToast('error', err instanceof Error ? err.message : 'Something went wrong.');
  const track = (id: string, on: boolean) =>
    set((s) => {
      const pending = { ...s.clients.pending };
      if (on) pending[id] = true;
      else delete pending[id];
      return { clients: { ...s.clients, pending } };
    });

  return {
    clients: {
      items: initial.items,
      nextCursor: initial.nextCursor,
      filter: initial.filter,
      pending: {},
      busy: false,
      async loadMore() {
        const { nextCursor, filter, busy } = get().clients;
        if (!nextCursor || busy) return;
        patch({ busy: true });
        try {
          const page = await fetchJson<ClientPage>(query(filter, nextCursor));
          const seen = new Set(get().clients.items.map((c) => c.id));
          patch({ items: [...get().clients.items, ...page.items.filter((c) => !seen.has(c.id))], nextCursor: page.nextCursor });
        } catch (err) {
          fail(err);
        } finally {
          patch({ busy: false });
        }
      },
      async setFilter(next) {
        const filter = { ...get().clients.filter, ...next };
        patch({ filter, busy: true });
        try {
          const page = await fetchJson<ClientPage>(query(filter));
          // A slower answer for an older filter must not overwrite a newer one.
          if (get().clients.filter === filter) patch({ items: page.items, nextCursor: page.nextCursor });
        } catch (err) {
          fail(err);
        } finally {
          patch({ busy: false });
        }
      },
      async create(input) {
        const id = newMutationId();
        const now = new Date().toISOString();
        const temp: ClientView = {
          id: -Date.now(),
          email: input.email.trim().toLowerCase(),
          firstName: input.firstName.trim(),
          lastName: input.lastName.trim(),
          status: input.status ?? 'active',
          phone: input.phone ?? null,
          company: input.company ?? null,
          notes: input.notes ?? null,
          createdAt: now,
          updatedAt: now,
        };
        track(id, true);
        patch({ items: placeClient(get().clients.items, temp, get().clients.filter) });
        try {
          const saved = await fetchJson<ClientView>('/api/clients', {
            method: 'POST',
            body: JSON.stringify(input),
            headers: { 'x-mutation-id': id, 'idempotency-key': id },
          });
          patch({ items: placeClient(get().clients.items, saved, get().clients.filter, temp.id) });
          return true;
        } catch (err) {
          patch({ items: get().clients.items.filter((c) => c.id !== temp.id) });
          fail(err);
          return false;
        } finally {
          track(id, false);
        }
      },
      async update(clientId, changes) {
        const before = get().clients.items.find((c) => c.id === clientId);
        if (!before) return false;
        const id = newMutationId();
        const optimistic = { ...before, ...changes, updatedAt: new Date().toISOString() } as ClientView;
        track(id, true);
        patch({ items: get().clients.items.map((c) => (c.id === clientId ? optimistic : c)) });
        try {
          const saved = await fetchJson<ClientView>(`/api/clients/${clientId}`, {
            method: 'PATCH',
            body: JSON.stringify(changes),
            headers: { 'x-mutation-id': id },
          });
          patch({ items: get().clients.items.map((c) => (c.id === clientId ? saved : c)) });
          return true;
        } catch (err) {
          patch({ items: get().clients.items.map((c) => (c.id === clientId ? before : c)) });
          fail(err);
          return false;
        } finally {
          track(id, false);
        }
      },
      async archive(clientId) {
        const items = get().clients.items;
        const index = items.findIndex((c) => c.id === clientId);
        const before = items[index];
        if (!before) return false;
        const id = newMutationId();
        const archived: ClientView = { ...before, status: 'archived' };
        track(id, true);
        patch({
          items: matchesFilter(archived, get().clients.filter)
            ? items.map((c) => (c.id === clientId ? archived : c))
            : items.filter((c) => c.id !== clientId),
        });
        try {
          await fetchJson<ClientView>(`/api/clients/${clientId}`, { method: 'DELETE', headers: { 'x-mutation-id': id } });
          return true;
        } catch (err) {
          const current = get().clients.items.filter((c) => c.id !== clientId);
          current.splice(Math.min(index, current.length), 0, before);
          patch({ items: current });
          fail(err);
          return false;
        } finally {
          track(id, false);
        }
      },
      apply(change) {
        if (change.domain !== 'clients' || change.kind !== 'upsert') return;
        // The echo of this tab's own mutation is already applied.
        if (change.mutationId && get().clients.pending[change.mutationId]) return;
        const client = change.data as ClientView;
        const { items, filter } = get().clients;
        const known = items.some((c) => c.id === client.id);
        const newest = items.find((c) => c.id > 0);
        // Show a change to a shown row, or a new row newer than the top of the list.
        if (known || !newest || client.id > newest.id) patch({ items: placeClient(items, client, filter) });
      },
    },
  };
}
