import { Activity } from 'lucide-react';
import { defineDomain } from '@/fuse/domain-manifest';

export const operationsDomain = defineDomain({
  name: 'operations',
  navigation: { label: 'Admin', href: '/dashboard/admin', icon: Activity },
  // The platform operator's page (admiral is the highest rank).
  shownTo: 'admin.read',
});
