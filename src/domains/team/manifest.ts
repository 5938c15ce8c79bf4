import { Users } from 'lucide-react';
import { defineDomain } from '@/fuse/domain-manifest';
import { TeamPreview } from './components/team-view';

export const teamDomain = defineDomain({
  name: 'team',
  navigation: { label: 'Team', href: '/dashboard/team', icon: Users },
  shownTo: 'team.read',
  preload: { url: '/api/team', preview: TeamPreview },
});
