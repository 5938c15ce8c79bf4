import { rankAtLeast } from '@/fuse/auth/schema-types';
import { defineDomain } from '@/fuse/domain-manifest';
import { ClientsPreview } from './components/clients-preview';

export const clientsDomain = defineDomain({
  name: 'clients',
  navigation: { label: 'Clients', href: '/dashboard/clients', icon: '◎' },
  shownTo: (rank) => rankAtLeast(rank, 'crew'),
  preload: { url: '/api/clients?status=active', preview: ClientsPreview },
});
