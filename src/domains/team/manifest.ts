import { rankAtLeast } from '@/fuse/auth/schema-types';
import { defineDomain } from '@/fuse/domain-manifest';
import { TeamPreview } from './components/team-view';

export const teamDomain = defineDomain({
  name: 'team',
  navigation: { label: 'Team', href: '/dashboard/team', icon: '☰' },
  shownTo: (rank) => rankAtLeast(rank, 'captain'),
  preload: { url: '/api/team', preview: TeamPreview },
});
