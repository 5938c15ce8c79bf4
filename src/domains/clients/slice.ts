import type { DomainState } from '@/fuse/store/domain-store';
import { pagedList, type ListInitial, type PagedList } from '@/fuse/store/paged-list';
import type { UiSlice } from '@/fuse/store/slices';
import type { ClientView } from './queries';
import type { ClientStatus } from './statuses';

export type ClientFilter = { status: ClientStatus | 'all'; q: string };

export type ClientsInitial = ListInitial<ClientView, ClientFilter>;

export type ClientsSlice = {
  clients: PagedList<ClientView, ClientFilter> & {
    create: (input: NewClientInput) => Promise<boolean>;
    update: (id: number, patch: Partial<NewClientInput>) => Promise<boolean>;
    archive: (id: number) => Promise<boolean>;
  };
};

export type ClientsStoreState = DomainState<ClientsSlice>;

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
type Set = (fn: (s: State) => Partial<State>) => void;
type Get = () => State;

export function matchesFilter(client: ClientView, filter: ClientFilter): boolean {
  if (filter.status !== 'all' && client.status !== filter.status) return false;
  if (!filter.q) return true;
  const q = filter.q.toLowerCase();
  return [client.email, client.firstName, client.lastName, `${client.firstName} ${client.lastName}`].some((v) => v.toLowerCase().includes(q));
}

/** The row a new client shows as until the server's answer replaces it. */
function draft(input: NewClientInput): ClientView {
  const now = new Date().toISOString();
  return {
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
}

export function clientsSlice(initial: ClientsInitial, set: Set, get: Get): ClientsSlice {
  const list = pagedList(
    'clients',
    {
      rowOf: (change) => (change.domain === 'clients' && change.kind === 'upsert' ? change.data : undefined),
      url: '/api/clients',
      params: (filter: ClientFilter) => ({ ...(filter.status !== 'all' ? { status: filter.status } : {}), ...(filter.q ? { q: filter.q } : {}) }),
      matches: matchesFilter,
      notices: { added: 'A client was added', updated: 'Client updated', many: (n) => `${n} clients changed` },
    },
    initial,
    set,
    get,
  );
  return {
    clients: {
      ...list.list,
      create: (input) => list.create(input, draft(input)),
      update: (id, changes) => list.update(id, changes, (before) => ({ ...before, ...changes, updatedAt: new Date().toISOString() }) as ClientView),
      archive: (id) => list.archive(id, (before) => ({ ...before, status: 'archived' })),
    },
  };
}
