'use client';

import { SearchX } from 'lucide-react';
import { memo, useMemo, useState, type FormEvent } from 'react';
import { can } from '@/fuse/auth/permissions';
import { useFuse } from '@/fuse/store/provider';
import { Toast } from '@/fuse/store/toast';
import { Badge, type BadgeTone } from '@/fuse/ui/badge';
import { Button } from '@/fuse/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/fuse/ui/card';
import { EmptyState } from '@/fuse/ui/empty-state';
import { Field, Input, Select } from '@/fuse/ui/input';
import { LoadMoreBar } from '@/fuse/ui/load-more';
import { PageHeader } from '@/fuse/ui/page-header';
import { Table, TableCell, TableRow, TableRowHead } from '@/fuse/ui/table';
import type { WidgetView } from '../queries';
import { WIDGET_STATUSES, type WidgetStatus } from '../statuses';
import type { WidgetsStoreState } from '../slice';

const STATUS_TONE: Record<WidgetStatus, BadgeTone> = { active: 'success', archived: 'neutral' };

const NAME_REQUIRED = 'Enter a name.';

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
  // The server refuses a blank name too; saying so at the field reads it out with the field.
  const [error, setError] = useState<string | null>(null);
  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!name.trim()) return setError(NAME_REQUIRED);
    setError(null);
    if ((await onSubmit(name)) && !initial) setName('');
  }
  return (
    <form className="flex flex-wrap items-end gap-2" onSubmit={submit} aria-label={label} noValidate>
      <Field label="Name" error={error} className="min-w-48 flex-1">
        {(p) => (
          <Input
            {...p}
            name="name"
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              if (error) setError(null);
            }}
            maxLength={200}
            autoComplete="off"
          />
        )}
      </Field>
      <div className="flex gap-2">
        {onCancel ? (
          <Button variant="outline" onClick={onCancel}>
            Cancel
          </Button>
        ) : null}
        <Button type="submit">{label}</Button>
      </div>
    </form>
  );
}

type RowActions = {
  canEdit: boolean;
  canArchive: boolean;
  /** The row whose name is being edited (one at a time), or null. */
  edit: (id: number | null) => void;
  rename: (id: number, name: string) => Promise<boolean>;
  archive: (id: number) => void;
};

// A row holds no hooks of its own (a page draws 50 on the server per request): the table holds the
// store subscriptions and which row is being edited, and hands each row what it needs.
const WidgetRow = memo(function WidgetRow({ item, editing, actions }: { item: WidgetView; editing: boolean; actions: RowActions }) {
  const saved = item.id > 0;
  if (editing) {
    return (
      <TableRow data-widget-id={item.id}>
        <TableCell colSpan={3} className="py-2 whitespace-normal">
          <NameForm
            initial={item.name}
            label="Save"
            onCancel={() => actions.edit(null)}
            onSubmit={(name) => {
              actions.edit(null);
              return actions.rename(item.id, name);
            }}
          />
        </TableCell>
      </TableRow>
    );
  }
  return (
    <TableRow data-widget-id={item.id} className={saved ? undefined : 'unsaved opacity-60'}>
      <TableRowHead>{item.name}</TableRowHead>
      <TableCell label="Status">
        <Badge tone={STATUS_TONE[item.status]}>{item.status}</Badge>
      </TableCell>
      <TableCell className="row-actions">
        {saved && actions.canEdit ? (
          <Button variant="ghost" size="sm" onClick={() => actions.edit(item.id)}>
            Edit
          </Button>
        ) : null}
        {saved && actions.canArchive && item.status !== 'archived' ? (
          <Button variant="ghost" size="sm" onClick={() => actions.archive(item.id)}>
            Archive
          </Button>
        ) : null}
      </TableCell>
    </TableRow>
  );
});

function WidgetsTable() {
  const items = useFuse((s: WidgetsStoreState) => s.widgets.items);
  const rank = useFuse((s: WidgetsStoreState) => s.session.rank);
  const rename = useFuse((s: WidgetsStoreState) => s.widgets.rename);
  const archive = useFuse((s: WidgetsStoreState) => s.widgets.archive);
  const [editingId, setEditingId] = useState<number | null>(null);
  // The permission table, as the server checks it: a rank that may not edit sees no button.
  const canEdit = can(rank, 'widgets.edit');
  const canArchive = can(rank, 'widgets.archive');
  const actions = useMemo<RowActions>(
    () => ({ canEdit, canArchive, edit: setEditingId, rename, archive: (id) => void archive(id) }),
    [canEdit, canArchive, rename, archive],
  );
  return (
    <Table
      label="Widgets"
      columns={['Name', 'Status', { label: 'Actions', hidden: true }]}
      empty={
        items.length === 0 ? <EmptyState icon={SearchX} title="No widgets match" description="Try another status, or add a widget above." /> : null
      }
      className="widgets"
    >
      {items.map((item) => (
        <WidgetRow key={item.id} item={item} editing={item.id === editingId} actions={actions} />
      ))}
    </Table>
  );
}

function StatusFilter() {
  const status = useFuse((s: WidgetsStoreState) => s.widgets.filter.status);
  const setFilter = useFuse((s: WidgetsStoreState) => s.widgets.setFilter);
  return (
    <form className="mb-3 flex flex-wrap gap-2" role="search" onSubmit={(e) => e.preventDefault()}>
      <Select
        aria-label="Filter by status"
        name="status"
        className="w-full sm:w-44"
        value={status}
        onChange={(e) => void setFilter({ status: e.target.value as WidgetStatus | 'all' })}
      >
        <option value="all">all statuses</option>
        {WIDGET_STATUSES.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </Select>
    </form>
  );
}

function LoadMore() {
  const nextCursor = useFuse((s: WidgetsStoreState) => s.widgets.nextCursor);
  const busy = useFuse((s: WidgetsStoreState) => s.widgets.busy);
  const loadMore = useFuse((s: WidgetsStoreState) => s.widgets.loadMore);
  const count = useFuse((s: WidgetsStoreState) => s.widgets.items.length);
  return <LoadMoreBar count={count} more={Boolean(nextCursor)} busy={busy} onMore={() => void loadMore()} />;
}

export function WidgetsView() {
  const create = useFuse((s: WidgetsStoreState) => s.widgets.create);
  const rank = useFuse((s: WidgetsStoreState) => s.session.rank);
  return (
    <section>
      <PageHeader title="Widgets" description="The widgets of your business." />
      {can(rank, 'widgets.create') ? (
        <Card className="mb-6">
          <CardHeader>
            <CardTitle>Add a widget</CardTitle>
          </CardHeader>
          <CardContent>
            <NameForm label="Add widget" onSubmit={create} />
          </CardContent>
        </Card>
      ) : null}
      <StatusFilter />
      <WidgetsTable />
      <LoadMore />
      <Toast />
    </section>
  );
}
