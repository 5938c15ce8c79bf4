import { Users } from 'lucide-react';
import { defineDomain } from '@/fuse/domain-manifest';

export const teamDomain = defineDomain({
  name: 'team',
  navigation: { label: 'Team', href: '/dashboard/team', icon: Users },
  shownTo: 'team.read',
  preload: { url: '/api/team', preview: () => import('./components/team-view').then((m) => m.TeamPreview) },
});
