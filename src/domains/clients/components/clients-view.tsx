'use client';

import { can } from '@/fuse/auth/permissions';
import { useFuse } from '@/fuse/store/provider';
import { Toast } from '@/fuse/store/toast';
import { Card, CardContent, CardHeader, CardTitle } from '@/fuse/ui/card';
import { ListFilters } from '@/fuse/ui/list-filters';
import { LoadMoreBar } from '@/fuse/ui/load-more';
import { PageHeader } from '@/fuse/ui/page-header';
import { CLIENT_STATUSES } from '../statuses';
import type { ClientsStoreState } from '../slice';
import { ClientForm } from './client-form';
import { ClientsTable } from './clients-table';

function Filters() {
  const filter = useFuse((s: ClientsStoreState) => s.clients.filter);
  const setFilter = useFuse((s: ClientsStoreState) => s.clients.setFilter);
  return (
    <ListFilters
      statuses={CLIENT_STATUSES}
      status={filter.status}
      statusLabel="Filter by status"
      onStatus={(status) => void setFilter({ status })}
      query={filter.q}
      searchLabel="Search clients"
      placeholder="Search name or email"
      onSearch={(q) => void setFilter({ q })}
    />
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
