import type { DomainState } from '@/fuse/store/domain-store';
import { pagedList, type ListInitial, type PagedList } from '@/fuse/store/paged-list';
import type { UiSlice } from '@/fuse/store/slices';
import type { WidgetView } from './queries';
import type { WidgetStatus } from './statuses';

export type WidgetFilter = { status: WidgetStatus | 'all' };

export type WidgetsInitial = ListInitial<WidgetView, WidgetFilter>;

export type WidgetsSlice = {
  widgets: PagedList<WidgetView, WidgetFilter> & {
    create: (name: string) => Promise<boolean>;
    rename: (id: number, name: string) => Promise<boolean>;
    archive: (id: number) => Promise<boolean>;
  };
};

export type WidgetsStoreState = DomainState<WidgetsSlice>;

type State = WidgetsSlice & UiSlice;

export const matchesFilter = (item: WidgetView, filter: WidgetFilter) => filter.status === 'all' || item.status === filter.status;

export function widgetsSlice(initial: WidgetsInitial, set: (fn: (s: State) => Partial<State>) => void, get: () => State): WidgetsSlice {
  const list = pagedList(
    'widgets',
    {
      rowOf: (change) => (change.domain === 'widgets' && change.kind === 'upsert' ? change.data : undefined),
      url: '/api/widgets',
      params: (filter: WidgetFilter): Record<string, string> => (filter.status === 'all' ? {} : { status: filter.status }),
      matches: matchesFilter,
      // Changes someone else makes show as one polite toast per burst; this tab's own never do.
      notices: { added: 'Widget added', updated: 'Widget updated', many: (n) => `${n} widgets changed` },
    },
    initial,
    set,
    get,
  );
  const now = () => new Date().toISOString();
  return {
    widgets: {
      ...list.list,
      create: (name) => list.create({ name }, { id: -Date.now(), name: name.trim(), status: 'active', createdAt: now(), updatedAt: now() }),
      rename: (id, name) => list.update(id, { name }, (before) => ({ ...before, name: name.trim(), updatedAt: now() })),
      archive: (id) => list.archive(id, (before) => ({ ...before, status: 'archived', updatedAt: now() })),
    },
  };
}
