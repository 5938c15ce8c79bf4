import { Contact } from 'lucide-react';
import { defineDomain } from '@/fuse/domain-manifest';

export const clientsDomain = defineDomain({
  name: 'clients',
  navigation: { label: 'Clients', href: '/dashboard/clients', icon: Contact },
  shownTo: 'clients.read',
  preload: { url: '/api/clients?status=active', preview: () => import('./components/clients-preview').then((m) => m.ClientsPreview) },
});
