import { Contact } from 'lucide-react';
import { defineDomain } from '@/fuse/domain-manifest';
import { ClientsPreview } from './components/clients-preview';

export const clientsDomain = defineDomain({
  name: 'clients',
  navigation: { label: 'Clients', href: '/dashboard/clients', icon: Contact },
  shownTo: 'clients.read',
  preload: { url: '/api/clients?status=active', preview: ClientsPreview },
});
