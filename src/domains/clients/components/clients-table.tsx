'use client';

import { SearchX } from 'lucide-react';
import { memo, useMemo, useRef, useState } from 'react';
import { can } from '@/fuse/auth/permissions';
import { useFuse } from '@/fuse/store/provider';
import { Badge, type BadgeTone } from '@/fuse/ui/badge';
import { Button } from '@/fuse/ui/button';
import { EmptyState } from '@/fuse/ui/empty-state';
import { useOnDemand } from '@/fuse/ui/on-demand';
import { Table, TableCell, TableRow, TableRowHead } from '@/fuse/ui/table';
import type { ClientView } from '../queries';
import type { ClientStatus } from '../statuses';
import type { ClientsStoreState } from '../slice';

export const CLIENT_STATUS_TONE: Record<ClientStatus, BadgeTone> = { active: 'success', lead: 'info', inactive: 'warning', archived: 'neutral' };

const loadEditDialog = () => import('./client-edit-dialog');

type RowActions = {
  canEdit: boolean;
  canArchive: boolean;
  /** Opens the edit dialog for this client; focus goes back to `button` when it closes. */
  onEdit: (client: ClientView, button: HTMLButtonElement) => void;
  onArchive: (id: number) => void;
  /** Starts loading the edit dialog's code (hover or focus on an Edit button). */
  prefetchEdit: () => void;
};

// A row holds no hooks of its own: a page draws 50 of them on the server for every request, so the
// store subscriptions and the dialog live once in the table (`npm run bench:profile`).
const ClientRow = memo(function ClientRow({ client, actions }: { client: ClientView; actions: RowActions }) {
  const saved = client.id > 0;
  return (
    <TableRow data-client-id={client.id} className={saved ? undefined : 'unsaved opacity-60'}>
      {/* One text node: no separator comments in the HTML of every row. */}
      <TableRowHead>{`${client.firstName} ${client.lastName}`}</TableRowHead>
      <TableCell label="Email">{client.email}</TableCell>
      <TableCell label="Company" className="text-muted-foreground">
        {client.company ?? ''}
      </TableCell>
      <TableCell label="Status">
        <Badge tone={CLIENT_STATUS_TONE[client.status]}>{client.status}</Badge>
      </TableCell>
      <TableCell className="row-actions">
        {saved && actions.canEdit ? (
          <Button
            variant="ghost"
            size="sm"
            onPointerEnter={actions.prefetchEdit}
            onFocus={actions.prefetchEdit}
            onClick={(event) => actions.onEdit(client, event.currentTarget)}
          >
            Edit
          </Button>
        ) : null}
        {saved && actions.canArchive && client.status !== 'archived' ? (
          <Button variant="ghost" size="sm" onClick={() => actions.onArchive(client.id)}>
            Archive
          </Button>
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
  const update = useFuse((s: ClientsStoreState) => s.clients.update);
  const archive = useFuse((s: ClientsStoreState) => s.clients.archive);
  const { loaded, prefetch, open } = useOnDemand(loadEditDialog);
  const [editing, setEditing] = useState<ClientView | null>(null);
  const editButton = useRef<HTMLButtonElement | null>(null);
  const actions = useMemo<RowActions>(
    () => ({
      canEdit,
      canArchive,
      prefetchEdit: prefetch,
      onArchive: (id) => void archive(id),
      onEdit: (client, button) => {
        editButton.current = button;
        setEditing(client);
        open();
      },
    }),
    [canEdit, canArchive, prefetch, archive, open],
  );
  // The dialog edits the row as the store holds it now (a live change may have moved it).
  const editingNow = editing ? (items.find((c) => c.id === editing.id) ?? editing) : null;
  return (
    <>
      {editingNow && loaded ? (
        <loaded.ClientEditDialog
          client={editingNow}
          onClose={() => setEditing(null)}
          onSave={(input) => update(editingNow.id, input)}
          returnFocusTo={editButton}
        />
      ) : null}
      <Table
        label="Clients"
        columns={['Name', 'Email', 'Company', 'Status', { label: 'Actions', hidden: true }]}
        empty={
          items.length === 0 ? (
            <EmptyState icon={SearchX} title="No clients match" description="Try another status or search, or add a client above." />
          ) : null
        }
        className="clients"
      >
        {items.map((client) => (
          <ClientRow key={client.id} client={client} actions={actions} />
        ))}
      </Table>
    </>
  );
}
