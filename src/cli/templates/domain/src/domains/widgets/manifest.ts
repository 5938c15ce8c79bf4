import { Boxes } from 'lucide-react';
import { defineDomain } from '@/fuse/domain-manifest';

export const widgetsDomain = defineDomain({
  name: 'widgets',
  navigation: { label: 'Widgets', href: '/dashboard/widgets', icon: Boxes },
  shownTo: 'widgets.read',
  preload: { url: '/api/widgets?status=active', preview: () => import('./components/widgets-preview').then((m) => m.WidgetsPreview) },
});
