import { Receipt } from 'lucide-react';
import { defineDomain } from '@/fuse/domain-manifest';
import { FinancePreview } from './components/finance-preview';

export const financeDomain = defineDomain({
  name: 'finance',
  navigation: { label: 'Finance', href: '/dashboard/finance', icon: Receipt },
  shownTo: 'finance.read',
  // One request returns the summary, the first page and the client picker.
  preload: { url: '/api/invoices?summary=1', preview: FinancePreview },
});
