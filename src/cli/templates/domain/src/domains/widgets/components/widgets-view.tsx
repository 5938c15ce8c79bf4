'use client';

import { memo, useState, type FormEvent } from 'react';
import { can } from '@/fuse/auth/permissions';
import { useFuse } from '@/fuse/store/provider';
import { Toast } from '@/fuse/store/toast';
import type { WidgetView } from '../queries';
import { WIDGET_STATUSES, type WidgetStatus } from '../schema';
import type { WidgetsStoreState } from '../slice';

function NameForm({
  initial = '',
  label,
  onSubmit,
  onCancel,
}: {
  initial?: string;
  label: string;
  onSubmit: (name: string) => Promise<boolean>;
  onCancel?: () => void;
}) {
  const [name, setName] = useState(initial);
  async function submit(event: FormEvent) {
    event.preventDefault();
    if ((await onSubmit(name)) && !initial) setName('');
  }
  return (
    <form className="client-form" onSubmit={submit} aria-label={label}>
      <input name="name" placeholder="Name" aria-label="Name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
      <button type="submit">{label}</button>
      {onCancel ? (
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      ) : null}
    </form>
  );
}

const WidgetRow = memo(function WidgetRow({ item, canEdit, canArchive }: { item: WidgetView; canEdit: boolean; canArchive: boolean }) {
  const rename = useFuse((s: WidgetsStoreState) => s.widgets.rename);
  const archive = useFuse((s: WidgetsStoreState) => s.widgets.archive);
  const [editing, setEditing] = useState(false);
  if (editing) {
    return (
      <tr data-widget-id={item.id}>
        <td colSpan={3}>
          <NameForm
            initial={item.name}
            label="Save"
            onCancel={() => setEditing(false)}
            onSubmit={(name) => {
              setEditing(false);
              return rename(item.id, name);
            }}
          />
        </td>
      </tr>
    );
  }
  return (
    <tr data-widget-id={item.id} className={item.id < 0 ? 'unsaved' : undefined}>
      <td>{item.name}</td>
      <td>
        <span className={`status status-${item.status}`}>{item.status}</span>
      </td>
      <td className="actions">
        {item.id > 0 && canEdit ? (
          <button type="button" className="link" onClick={() => setEditing(true)}>
            Edit
          </button>
        ) : null}
        {item.id > 0 && canArchive && item.status !== 'archived' ? (
          <button type="button" className="link" onClick={() => void archive(item.id)}>
            Archive
          </button>
        ) : null}
      </td>
    </tr>
  );
});

function WidgetsTable() {
  const items = useFuse((s: WidgetsStoreState) => s.widgets.items);
  const rank = useFuse((s: WidgetsStoreState) => s.session.rank);
  // The permission table, as the server checks it: a rank that may not edit sees no button.
  const canEdit = can(rank, 'widgets.edit');
  const canArchive = can(rank, 'widgets.archive');
  return (
    <table className="clients">
      <thead>
        <tr>
          <th>Name</th>
          <th>Status</th>
          <th aria-label="Actions" />
        </tr>
      </thead>
      <tbody>
        {items.map((item) => (
          <WidgetRow key={item.id} item={item} canEdit={canEdit} canArchive={canArchive} />
        ))}
        {items.length === 0 ? (
          <tr>
            <td colSpan={3} className="empty">
              No widgets match.
            </td>
          </tr>
        ) : null}
      </tbody>
    </table>
  );
}

function StatusFilter() {
  const status = useFuse((s: WidgetsStoreState) => s.widgets.filter.status);
  const setFilter = useFuse((s: WidgetsStoreState) => s.widgets.setFilter);
  return (
    <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
      <select aria-label="Filter by status" value={status} onChange={(e) => void setFilter({ status: e.target.value as WidgetStatus | 'all' })}>
        <option value="all">all statuses</option>
        {WIDGET_STATUSES.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
    </form>
  );
}

function LoadMore() {
  const nextCursor = useFuse((s: WidgetsStoreState) => s.widgets.nextCursor);
  const busy = useFuse((s: WidgetsStoreState) => s.widgets.busy);
  const loadMore = useFuse((s: WidgetsStoreState) => s.widgets.loadMore);
  const count = useFuse((s: WidgetsStoreState) => s.widgets.items.length);
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

export function WidgetsView() {
  const create = useFuse((s: WidgetsStoreState) => s.widgets.create);
  const rank = useFuse((s: WidgetsStoreState) => s.session.rank);
  return (
    <section>
      <h1>Widgets</h1>
      {can(rank, 'widgets.create') ? <NameForm label="Add widget" onSubmit={create} /> : null}
      <StatusFilter />
      <WidgetsTable />
      <LoadMore />
      <Toast />
    </section>
  );
}
