'use client';

import { Search } from 'lucide-react';
import { useState } from 'react';
import { can } from '@/fuse/auth/permissions';
import { useFuse } from '@/fuse/store/provider';
import { Toast } from '@/fuse/store/toast';
import { Button } from '@/fuse/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/fuse/ui/card';
import { Input, Select } from '@/fuse/ui/input';
import { LoadMoreBar } from '@/fuse/ui/load-more';
import { PageHeader } from '@/fuse/ui/page-header';
import { CLIENT_STATUSES, type ClientStatus } from '../statuses';
import type { ClientsStoreState } from '../slice';
import { ClientForm } from './client-form';
import { ClientsTable } from './clients-table';

function Filters() {
  const filter = useFuse((s: ClientsStoreState) => s.clients.filter);
  const setFilter = useFuse((s: ClientsStoreState) => s.clients.setFilter);
  const [q, setQ] = useState(filter.q);
  return (
    <form
      className="mb-3 grid grid-cols-[minmax(0,1fr)_7.5rem] gap-2 sm:grid-cols-[11rem_minmax(0,20rem)_7.5rem]"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        void setFilter({ q });
      }}
    >
      <Select
        aria-label="Filter by status"
        name="status"
        className="col-span-2 sm:col-span-1"
        value={filter.status}
        onChange={(e) => void setFilter({ status: e.target.value as ClientStatus | 'all' })}
      >
        <option value="all">all statuses</option>
        {CLIENT_STATUSES.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </Select>
      <Input type="search" name="q" aria-label="Search clients" placeholder="Search name or email" value={q} onChange={(e) => setQ(e.target.value)} />
      <Button type="submit" variant="secondary">
        <Search aria-hidden /> Search
      </Button>
    </form>
  );
}

function LoadMore() {
  const nextCursor = useFuse((s: ClientsStoreState) => s.clients.nextCursor);
  const busy = useFuse((s: ClientsStoreState) => s.clients.busy);
  const loadMore = useFuse((s: ClientsStoreState) => s.clients.loadMore);
  const count = useFuse((s: ClientsStoreState) => s.clients.items.length);
  return <LoadMoreBar count={count} more={Boolean(nextCursor)} busy={busy} onMore={() => void loadMore()} />;
}

export function ClientsView() {
  const create = useFuse((s: ClientsStoreState) => s.clients.create);
  const rank = useFuse((s: ClientsStoreState) => s.session.rank);
  return (
    <section>
      <PageHeader title="Clients" description="Everyone your business works with." />
      {can(rank, 'clients.create') ? (
        <Card className="mb-6">
          <CardHeader>
            <CardTitle>Add a client</CardTitle>
          </CardHeader>
          <CardContent>
            <ClientForm submitLabel="Add client" onSubmit={create} />
          </CardContent>
        </Card>
      ) : null}
      <Filters />
      <ClientsTable />
      <LoadMore />
      <Toast />
    </section>
  );
}
