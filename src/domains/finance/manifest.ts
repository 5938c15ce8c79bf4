import { Receipt } from 'lucide-react';
import { defineDomain } from '@/fuse/domain-manifest';

export const financeDomain = defineDomain({
  name: 'finance',
  navigation: { label: 'Finance', href: '/dashboard/finance', icon: Receipt },
  shownTo: 'finance.read',
  // One request returns the summary, the first page and the client picker.
  preload: { url: '/api/invoices?summary=1', preview: () => import('./components/finance-preview').then((m) => m.FinancePreview) },
});
