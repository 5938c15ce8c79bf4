'use client';

import { useState } from 'react';
import { useFuse } from '@/fuse/store/provider';
import { Toast } from '@/fuse/store/toast';
import { CLIENT_STATUSES, type ClientStatus } from '../schema';
import type { ClientsStoreState } from '../slice';
import { ClientForm } from './client-form';
import { ClientsTable } from './clients-table';

function Filters() {
  const filter = useFuse((s: ClientsStoreState) => s.clients.filter);
  const setFilter = useFuse((s: ClientsStoreState) => s.clients.setFilter);
  const [q, setQ] = useState(filter.q);
  return (
    <form
      className="filters"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        void setFilter({ q });
      }}
    >
      <select
        aria-label="Filter by status"
        value={filter.status}
        onChange={(e) => void setFilter({ status: e.target.value as ClientStatus | 'all' })}
      >
        <option value="all">all statuses</option>
        {CLIENT_STATUSES.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
      <input type="search" aria-label="Search clients" placeholder="Search name or email" value={q} onChange={(e) => setQ(e.target.value)} />
      <button type="submit">Search</button>
    </form>
  );
}

function LoadMore() {
  const nextCursor = useFuse((s: ClientsStoreState) => s.clients.nextCursor);
  const busy = useFuse((s: ClientsStoreState) => s.clients.busy);
  const loadMore = useFuse((s: ClientsStoreState) => s.clients.loadMore);
  const count = useFuse((s: ClientsStoreState) => s.clients.items.length);
  return (
    <div className="load-more">
      <span className="muted">{count} shown</span>
      {nextCursor ? (
        <button type="button" onClick={() => void loadMore()} disabled={busy}>
          Load more
        </button>
      ) : null}
    </div>
  );
}

export function ClientsView() {
  const create = useFuse((s: ClientsStoreState) => s.clients.create);
  return (
    <section>
      <h1>Clients</h1>
      <ClientForm submitLabel="Add client" onSubmit={create} />
      <Filters />
      <ClientsTable />
      <LoadMore />
      <Toast />
    </section>
  );
}
