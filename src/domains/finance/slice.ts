import { fetchJson } from '@/fuse/store/api';
import type { DomainState } from '@/fuse/store/domain-store';
import { pagedList, type PagedList } from '@/fuse/store/paged-list';
import type { UiSlice } from '@/fuse/store/slices';
import type { FinanceSummary, InvoicePage, InvoiceView } from './queries';
import type { InvoiceStatus } from './statuses';

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
  finance: PagedList<InvoiceView, InvoiceFilter> & {
    summary: FinanceSummary;
    clientOptions: ClientOption[];
    create: (input: NewInvoiceInput) => Promise<boolean>;
    act: (id: number, action: 'send' | 'markPaid') => Promise<boolean>;
    refreshSummary: () => Promise<void>;
  };
};

export type FinanceStoreState = DomainState<FinanceSlice>;

type State = FinanceSlice & UiSlice;
type Set = (fn: (s: State) => Partial<State>) => void;
type Get = () => State;

function matches(invoice: InvoiceView, filter: InvoiceFilter): boolean {
  if (filter.status !== 'all' && invoice.status !== filter.status) return false;
  return !filter.q || invoice.number.toLowerCase().includes(filter.q.toLowerCase());
}

export function financeSlice(initial: FinanceInitial, set: Set, get: Get): FinanceSlice {
  let summaryTimer: ReturnType<typeof setTimeout> | null = null;
  const list = pagedList(
    'finance',
    {
      rowOf: (change) => (change.domain === 'finance' && change.kind === 'upsert' ? change.data : undefined),
      url: '/api/invoices',
      params: (filter: InvoiceFilter) => ({ ...(filter.status !== 'all' ? { status: filter.status } : {}), ...(filter.q ? { q: filter.q } : {}) }),
      matches,
      notices: { added: 'An invoice was added', updated: 'Invoice updated', many: (n) => `${n} invoices changed` },
      changed: (origin) => {
        if (origin === 'mine') return void get().finance.refreshSummary();
        // Totals are one query: coalesce a burst of live changes into one refresh.
        if (summaryTimer) clearTimeout(summaryTimer);
        summaryTimer = setTimeout(() => void get().finance.refreshSummary(), 300);
      },
    },
    { ...initial.invoices, filter: initial.filter },
    set,
    get,
  );

  return {
    finance: {
      ...list.list,
      summary: initial.summary,
      clientOptions: initial.clientOptions,
      // The server numbers the invoice: the row shows once it is saved.
      create: (input) => list.create(input),
      act: (invoiceId, action) =>
        list.update(invoiceId, { action }, (before) =>
          action === 'send' ? { ...before, status: 'sent' } : { ...before, status: 'paid', paidOn: get().finance.summary.today },
        ),
      async refreshSummary() {
        try {
          const params = new URLSearchParams({ summary: '1', limit: '1', currency: get().finance.summary.currency });
          const body = await fetchJson<{ summary: FinanceSummary }>(`/api/invoices?${params}`);
          set((s) => ({ finance: { ...s.finance, summary: body.summary } }));
        } catch {
          // The totals catch up on the next change or page view; the list is already right.
        }
      },
    },
  };
}
