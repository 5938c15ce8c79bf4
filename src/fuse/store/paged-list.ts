import { fetchJson, sentHere } from './api';
import { liveNotices, type LiveNoticeNames } from './live-notice';
import { runOptimistic, showError } from './optimistic';
import type { LiveChange, UiSlice } from './slices';

/** A row of a paged list: lists are newest first by id; an optimistic row not yet saved has a negative id. */
export type ListRow = { id: number };
export type ListPage<TItem> = { items: TItem[]; nextCursor: string | null };
export type ListInitial<TItem, TFilter> = ListPage<TItem> & { filter: TFilter };

/** The state and reads of a paged list, as a domain slice exposes them. */
export type PagedList<TItem, TFilter> = {
  items: TItem[];
  nextCursor: string | null;
  filter: TFilter;
  /** Requests this tab sent and has not heard back about, by client mutation id. */
  pending: Record<string, true>;
  busy: boolean;
  loadMore: () => Promise<void>;
  setFilter: (filter: Partial<TFilter>) => Promise<void>;
  apply: (change: LiveChange) => void;
};

export type PagedListConfig<TItem, TFilter> = {
  /** The row a live change carries for this list, if it is one (the domain's `upsert`, typed by its events.ts). */
  rowOf: (change: LiveChange) => TItem | undefined;
  /** The collection's URL: GET pages it, POST creates, `<url>/<id>` takes PATCH and DELETE. */
  url: string;
  /** The GET parameters a filter stands for. */
  params: (filter: TFilter) => Record<string, string>;
  /** Whether a row belongs in the list under a filter (a changed row may leave it). */
  matches: (item: TItem, filter: TFilter) => boolean;
  /** After a row of this list changed, by this tab (`mine`) or by someone else (`live`). */
  changed?: (origin: 'mine' | 'live') => void;
  /**
   * Toasts (polite) the changes someone else makes, a burst as one: `{ added: 'A client was added',
   * updated: 'Client updated', many: (n) => `${n} clients changed` }`. Never for this tab's own changes.
   */
  notices?: LiveNoticeNames;
};

type SetState<S> = (fn: (state: S) => Partial<S>) => void;

/**
 * Puts a row where the newest-first list wants it (replacing `replaceId`, an optimistic row, when
 * given), or drops it when the filter excludes it. A row the list did not show and that is older
 * than its top belongs on a later page, so it is not inserted.
 */
export function placeRow<TItem extends ListRow, TFilter>(
  items: TItem[],
  row: TItem,
  filter: TFilter,
  matches: (item: TItem, filter: TFilter) => boolean,
  replaceId = row.id,
): TItem[] {
  const rest = items.filter((r) => r.id !== replaceId && r.id !== row.id);
  if (!matches(row, filter)) return rest;
  if (row.id < 0) return [row, ...rest];
  const known = rest.length < items.length;
  const top = rest.find((r) => r.id > 0);
  if (!known && top && row.id < top.id) return rest;
  const index = rest.findIndex((r) => r.id > 0 && r.id < row.id);
  if (index === -1) return [...rest, row];
  return [...rest.slice(0, index), row, ...rest.slice(index)];
}

/**
 * A paged list slice under `key`: load more by cursor, filters (a slower answer for an older filter
 * never overwrites a newer one), live `upsert` changes, and optimistic create, update and archive
 * that roll back on error and skip their own live echo. The domain's slice exposes the mutations
 * with its own inputs.
 */
export function pagedList<K extends string, TItem extends ListRow, TFilter, S extends UiSlice & { [P in K]: PagedList<TItem, TFilter> }>(
  key: K,
  config: PagedListConfig<TItem, TFilter>,
  initial: ListInitial<TItem, TFilter>,
  set: SetState<S>,
  get: () => S,
) {
  const read = () => get()[key];
  const patch = (p: Partial<PagedList<TItem, TFilter>>) => set((s) => ({ [key]: { ...s[key], ...p } }) as unknown as Partial<S>);
  const fail = (err: unknown) => showError(get().ui, err);
  const track = (id: string, on: boolean) => {
    const pending = { ...read().pending };
    if (on) pending[id] = true;
    else delete pending[id];
    patch({ pending });
  };
  const place = (row: TItem, replaceId?: number) => patch({ items: placeRow(read().items, row, read().filter, config.matches, replaceId) });
  const pageUrl = (filter: TFilter, cursor?: string | null) => {
    const params = new URLSearchParams(config.params(filter));
    if (cursor) params.set('cursor', cursor);
    return `${config.url}?${params}`;
  };
  const rowUrl = (id: number) => `${config.url}/${id}`;
  // Rows newer than any this list has seen were added since the page was drawn; others were updated.
  let newest = Math.max(0, ...initial.items.map((r) => r.id));
  const notice = config.notices
    ? liveNotices(config.notices, (message) => {
        // An error the user has not dismissed yet says more than a notice.
        if (get().ui.toast?.kind !== 'error') get().ui.showToast('info', message);
      })
    : null;

  const list: PagedList<TItem, TFilter> = {
    items: initial.items,
    nextCursor: initial.nextCursor,
    filter: initial.filter,
    pending: {},
    busy: false,
    async loadMore() {
      const { nextCursor, filter, busy } = read();
      if (!nextCursor || busy) return;
      patch({ busy: true });
      try {
        const page = await fetchJson<ListPage<TItem>>(pageUrl(filter, nextCursor));
        // The filter changed meanwhile: this page belongs to the old list.
        if (read().filter !== filter) return;
        const seen = new Set(read().items.map((r) => r.id));
        patch({ items: [...read().items, ...page.items.filter((r) => !seen.has(r.id))], nextCursor: page.nextCursor });
      } catch (err) {
        fail(err);
      } finally {
        patch({ busy: false });
      }
    },
    async setFilter(next) {
      const filter = { ...read().filter, ...next };
      patch({ filter, busy: true });
      try {
        const page = await fetchJson<ListPage<TItem>>(pageUrl(filter));
        // A slower answer for an older filter must not overwrite a newer one.
        if (read().filter === filter) {
          newest = Math.max(newest, ...page.items.map((r) => r.id));
          patch({ items: page.items, nextCursor: page.nextCursor });
        }
      } catch (err) {
        fail(err);
      } finally {
        patch({ busy: false });
      }
    },
    apply(change) {
      const row = config.rowOf(change);
      if (row === undefined) return;
      // The echo of this tab's own mutation: already shown, and confirmed by the server's answer.
      if (change.mutationId && read().pending[change.mutationId]) return;
      place(row);
      const added = row.id > newest;
      newest = Math.max(newest, row.id);
      // An echo that came after the answer: the row is the one already confirmed, nothing to tell.
      if (sentHere(change.mutationId)) return;
      notice?.(row.id, added);
      config.changed?.('live');
    },
  };

  /** POSTs `body`; with `optimistic`, shows that row (negative id) until the saved one replaces it. */
  function create(body: unknown, optimistic?: TItem): Promise<boolean> {
    return runOptimistic<TItem>({
      track,
      fail,
      show: () => {
        if (!optimistic) return () => undefined;
        place(optimistic);
        return () => patch({ items: read().items.filter((r) => r.id !== optimistic.id) });
      },
      request: (id) =>
        fetchJson<TItem>(config.url, { method: 'POST', body: JSON.stringify(body), headers: { 'x-mutation-id': id, 'idempotency-key': id } }),
      confirm: (saved) => {
        place(saved, optimistic?.id);
        config.changed?.('mine');
      },
    });
  }

  /** Shows `optimistic(row)` at once and sends `body` to the row's URL (PATCH, or DELETE to archive). */
  function change(rowId: number, method: 'PATCH' | 'DELETE', body: unknown, optimistic: (before: TItem) => TItem): Promise<boolean> {
    const items = read().items;
    const index = items.findIndex((r) => r.id === rowId);
    const before = items[index];
    if (!before) return Promise.resolve(false);
    return runOptimistic<TItem>({
      track,
      fail,
      show: () => {
        place(optimistic(before), rowId);
        // Back to the row as it was, where it was (a live change to other rows meanwhile stays).
        return () => {
          const current = read().items.filter((r) => r.id !== rowId);
          current.splice(Math.min(index, current.length), 0, before);
          patch({ items: current });
        };
      },
      request: (id) =>
        fetchJson<TItem>(rowUrl(rowId), {
          method,
          body: body === undefined ? undefined : JSON.stringify(body),
          headers: { 'x-mutation-id': id },
        }),
      confirm: (saved) => {
        place(saved, rowId);
        config.changed?.('mine');
      },
    });
  }

  return {
    list,
    create,
    update: (rowId: number, body: unknown, optimistic: (before: TItem) => TItem) => change(rowId, 'PATCH', body, optimistic),
    archive: (rowId: number, optimistic: (before: TItem) => TItem) => change(rowId, 'DELETE', undefined, optimistic),
  };
}
