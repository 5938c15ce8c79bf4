import type { LiveChange, UiSlice } from '@/fuse/store/slices';
import type { FinanceSummary, InvoicePage, InvoiceView } from './queries';
import type { InvoiceStatus } from './schema';
import { fetchJson, newMutationId } from '@/fuse/store/api';

export type InvoiceFilter = { status: InvoiceStatus | 'all'; q: string };
export type ClientOption = { id: number; name: string };

/** What the finance page (and the idle preloader) hands the store. */
export type FinanceInitial = {
  summary: FinanceSummary;
  invoices: InvoicePage;
  filter: InvoiceFilter;
  clientOptions: ClientOption[];
};

export type NewInvoiceInput = { clientId: number; amount: string; currency: string; number?: string; dueOn?: string; status?: 'draft' | 'sent' };

export type FinanceSlice = {
  finance: {
    summary: FinanceSummary;
    items: InvoiceView[];
    nextCursor: string | null;
    filter: InvoiceFilter;
    clientOptions: ClientOption[];
    pending: Record<string, true>;
    busy: boolean;
    loadMore: () => Promise<void>;
    setFilter: (filter: Partial<InvoiceFilter>) => Promise<void>;
    create: (input: NewInvoiceInput) => Promise<boolean>;
    act: (id: number, action: 'send' | 'markPaid') => Promise<boolean>;
    refreshSummary: () => Promise<void>;
    apply: (change: LiveChange) => void;
  };
};

type State = FinanceSlice & UiSlice;
type Set = (partial: Partial<State> | ((s: State) => Partial<State>)) => void;
type Get = () => State;

/** The URL of the finance slice: one request returns the summary, the first page and the client picker. */
export const FINANCE_SLICE_URL = '/api/invoices?summary=1';


function listUrl(filter: InvoiceFilter, cursor?: string | null): string {
  const params = new URLSearchParams();
  if (filter.status !== 'all') params.set('status', filter.status);
  if (filter.q) params.set('q', filter.q);
  if (cursor) params.set('cursor', cursor);
  return `/api/invoices?${params}`;
}

function matches(invoice: InvoiceView, filter: InvoiceFilter): boolean {
  if (filter.status !== 'all' && invoice.status !== filter.status) return false;
  return !filter.q || invoice.number.toLowerCase().includes(filter.q.toLowerCase());
}

function place(items: InvoiceView[], invoice: InvoiceView, filter: InvoiceFilter): InvoiceView[] {
  const rest = items.filter((i) => i.id !== invoice.id);
  if (!matches(invoice, filter)) return rest;
  const known = items.some((i) => i.id === invoice.id);
  const top = rest[0];
  if (!known && top && invoice.id < top.id) return rest; // older than the page: belongs further down
  const index = rest.findIndex((i) => i.id < invoice.id);
  if (index === -1) return [...rest, invoice];
  return [...rest.slice(0, index), invoice, ...rest.slice(index)];
}


export function financeSlice(initial: FinanceInitial, set: Set, get: Get): FinanceSlice {
  const patch = (p: Partial<FinanceSlice['finance']>) => set((s) => ({ finance: { ...s.finance, ...p } }));
  const fail = (err: unknown) => get().ui.showToast('error', err instanceof Error ? err.message : 'Something went wrong.');
  const track = (id: string, on: boolean) =>
    set((s) => {
      const pending = { ...s.finance.pending };
      if (on) pending[id] = true;
      else delete pending[id];
      return { finance: { ...s.finance, pending } };
    });
  let summaryTimer: ReturnType<typeof setTimeout> | null = null;

  return {
    finance: {
      summary: initial.summary,
      items: initial.invoices.items,
      nextCursor: initial.invoices.nextCursor,
      filter: initial.filter,
      clientOptions: initial.clientOptions,
      pending: {},
      busy: false,
      async loadMore() {
        const { nextCursor, filter, busy } = get().finance;
        if (!nextCursor || busy) return;
        patch({ busy: true });
        try {
          const page = await fetchJson<InvoicePage>(listUrl(filter, nextCursor));
          const seen = new Set(get().finance.items.map((i) => i.id));
          patch({ items: [...get().finance.items, ...page.items.filter((i) => !seen.has(i.id))], nextCursor: page.nextCursor });
        } catch (err) {
          fail(err);
        } finally {
          patch({ busy: false });
        }
      },
      async setFilter(next) {
        const filter = { ...get().finance.filter, ...next };
        patch({ filter, busy: true });
        try {
          const page = await fetchJson<InvoicePage>(listUrl(filter));
          if (get().finance.filter === filter) patch({ items: page.items, nextCursor: page.nextCursor });
        } catch (err) {
          fail(err);
        } finally {
          patch({ busy: false });
        }
      },
      async create(input) {
        const id = newMutationId();
        track(id, true);
        try {
          const saved = await fetchJson<InvoiceView>('/api/invoices', {
            method: 'POST',
            body: JSON.stringify(input),
            headers: { 'x-mutation-id': id },
          });
          patch({ items: place(get().finance.items, saved, get().finance.filter) });
          void get().finance.refreshSummary();
          return true;
        } catch (err) {
          fail(err);
          return false;
        } finally {
          track(id, false);
        }
      },
      async act(invoiceId, action) {
        const before = get().finance.items.find((i) => i.id === invoiceId);
        if (!before) return false;
        const id = newMutationId();
        const optimistic: InvoiceView =
          action === 'send'
            ? { ...before, status: 'sent' }
            : { ...before, status: 'paid', paidOn: get().finance.summary.today };
        track(id, true);
        patch({ items: get().finance.items.map((i) => (i.id === invoiceId ? optimistic : i)) });
        try {
          const saved = await fetchJson<InvoiceView>(`/api/invoices/${invoiceId}`, {
            method: 'PATCH',
            body: JSON.stringify({ action }),
            headers: { 'x-mutation-id': id },
          });
          patch({ items: get().finance.items.map((i) => (i.id === invoiceId ? saved : i)) });
          void get().finance.refreshSummary();
          return true;
        } catch (err) {
          patch({ items: get().finance.items.map((i) => (i.id === invoiceId ? before : i)) });
          fail(err);
          return false;
        } finally {
          track(id, false);
        }
      },
      async refreshSummary() {
        try {
          const params = new URLSearchParams({ summary: '1', limit: '1', currency: get().finance.summary.currency });
          const body = await fetchJson<{ summary: FinanceSummary }>(`/api/invoices?${params}`);
          patch({ summary: body.summary });
        } catch {
          // The totals catch up on the next change or page view; the list is already right.
        }
      },
      apply(change) {
        if (change.domain !== 'finance' || change.kind !== 'upsert') return;
        if (change.mutationId && get().finance.pending[change.mutationId]) return;
        patch({ items: place(get().finance.items, change.data as InvoiceView, get().finance.filter) });
        // Totals are one query: coalesce a burst of changes into one refresh.
        if (summaryTimer) clearTimeout(summaryTimer);
        summaryTimer = setTimeout(() => void get().finance.refreshSummary(), 300);
      },
    },
  };
}
