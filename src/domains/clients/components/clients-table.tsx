'use client';

import { memo, useState } from 'react';
import { can } from '@/fuse/auth/permissions';
import { useFuse } from '@/fuse/store/provider';
import type { ClientView } from '../queries';
import type { ClientsStoreState } from '../slice';
import { ClientForm } from './client-form';

const ClientRow = memo(function ClientRow({ client, canEdit, canArchive }: { client: ClientView; canEdit: boolean; canArchive: boolean }) {
  const update = useFuse((s: ClientsStoreState) => s.clients.update);
  const archive = useFuse((s: ClientsStoreState) => s.clients.archive);
  const [editing, setEditing] = useState(false);

  if (editing) {
    return (
      <tr data-client-id={client.id}>
        <td colSpan={5}>
          <ClientForm
            initial={client}
            submitLabel="Save"
            onCancel={() => setEditing(false)}
            onSubmit={async (input) => {
              setEditing(false);
              return update(client.id, input);
            }}
          />
        </td>
      </tr>
    );
  }
  return (
    <tr data-client-id={client.id} className={client.id < 0 ? 'unsaved' : undefined}>
      <td>
        {client.firstName} {client.lastName}
      </td>
      <td>{client.email}</td>
      <td>{client.company ?? ''}</td>
      <td>
        <span className={`status status-${client.status}`}>{client.status}</span>
      </td>
      <td className="actions">
        {client.id > 0 ? (
          <>
            {canEdit ? (
              <button type="button" className="link" onClick={() => setEditing(true)}>
                Edit
              </button>
            ) : null}
            {canArchive && client.status !== 'archived' ? (
              <button type="button" className="link" onClick={() => void archive(client.id)}>
                Archive
              </button>
            ) : null}
          </>
        ) : null}
      </td>
    </tr>
  );
});

export function ClientsTable() {
  const items = useFuse((s: ClientsStoreState) => s.clients.items);
  const rank = useFuse((s: ClientsStoreState) => s.session.rank);
  // From the permission table, like the server's check: crew and the read-only admiral see neither.
  const canEdit = can(rank, 'clients.edit');
  const canArchive = can(rank, 'clients.archive');
  return (
    <table className="clients">
      <thead>
        <tr>
          <th>Name</th>
          <th>Email</th>
          <th>Company</th>
          <th>Status</th>
          <th aria-label="Actions" />
        </tr>
      </thead>
      <tbody>
        {items.map((client) => (
          <ClientRow key={client.id} client={client} canEdit={canEdit} canArchive={canArchive} />
        ))}
        {items.length === 0 ? (
          <tr>
            <td colSpan={5} className="empty">
              No clients match.
            </td>
          </tr>
        ) : null}
      </tbody>
    </table>
  );
}
