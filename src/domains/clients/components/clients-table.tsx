'use client';

import { SearchX } from 'lucide-react';
import { memo, useRef, useState } from 'react';
import { can } from '@/fuse/auth/permissions';
import { useFuse } from '@/fuse/store/provider';
import { Badge, type BadgeTone } from '@/fuse/ui/badge';
import { Button } from '@/fuse/ui/button';
import { EmptyState } from '@/fuse/ui/empty-state';
import { useOnDemand } from '@/fuse/ui/on-demand';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/fuse/ui/table';
import type { ClientView } from '../queries';
import type { ClientStatus } from '../schema';
import type { ClientsStoreState } from '../slice';

export const CLIENT_STATUS_TONE: Record<ClientStatus, BadgeTone> = { active: 'success', lead: 'info', inactive: 'warning', archived: 'neutral' };

const loadEditDialog = () => import('./client-edit-dialog');

const ClientRow = memo(function ClientRow({ client, canEdit, canArchive }: { client: ClientView; canEdit: boolean; canArchive: boolean }) {
  const update = useFuse((s: ClientsStoreState) => s.clients.update);
  const archive = useFuse((s: ClientsStoreState) => s.clients.archive);
  const [editing, setEditing] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  const { loaded, prefetch, open } = useOnDemand(loadEditDialog);
  const saved = client.id > 0;
  return (
    <TableRow data-client-id={client.id} className={saved ? undefined : 'unsaved opacity-60'}>
      <TableCell className="font-medium">
        {client.firstName} {client.lastName}
      </TableCell>
      <TableCell>{client.email}</TableCell>
      <TableCell className="text-muted-foreground">{client.company ?? ''}</TableCell>
      <TableCell>
        <Badge tone={CLIENT_STATUS_TONE[client.status]}>{client.status}</Badge>
      </TableCell>
      <TableCell className="text-right">
        {saved ? (
          <div className="flex justify-end gap-1">
            {canEdit ? (
              <Button
                ref={editButton}
                variant="ghost"
                size="sm"
                onPointerEnter={prefetch}
                onFocus={prefetch}
                onClick={() => (setEditing(true), open())}
              >
                Edit
              </Button>
            ) : null}
            {editing && loaded ? (
              <loaded.ClientEditDialog
                client={client}
                onClose={() => setEditing(false)}
                onSave={(input) => update(client.id, input)}
                returnFocusTo={editButton}
              />
            ) : null}
            {canArchive && client.status !== 'archived' ? (
              <Button variant="ghost" size="sm" onClick={() => void archive(client.id)}>
                Archive
              </Button>
            ) : null}
          </div>
        ) : null}
      </TableCell>
    </TableRow>
  );
});

export function ClientsTable() {
  const items = useFuse((s: ClientsStoreState) => s.clients.items);
  const rank = useFuse((s: ClientsStoreState) => s.session.rank);
  // From the permission table, like the server's check: crew and the read-only admiral see neither.
  const canEdit = can(rank, 'clients.edit');
  const canArchive = can(rank, 'clients.archive');
  return (
    <Table label="Clients" className="clients">
      <TableHeader>
        <TableRow>
          <TableHead>Name</TableHead>
          <TableHead>Email</TableHead>
          <TableHead>Company</TableHead>
          <TableHead>Status</TableHead>
          <TableHead>
            <span className="sr-only">Actions</span>
          </TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {items.map((client) => (
          <ClientRow key={client.id} client={client} canEdit={canEdit} canArchive={canArchive} />
        ))}
        {items.length === 0 ? (
          <tr>
            <td colSpan={5}>
              <EmptyState icon={SearchX} title="No clients match" description="Try another status or search, or add a client above." />
            </td>
          </tr>
        ) : null}
      </TableBody>
    </Table>
  );
}
