import { Settings } from 'lucide-react';
import { defineDomain } from '@/fuse/domain-manifest';

export const settingsDomain = defineDomain({
  name: 'settings',
  navigation: { label: 'Settings', href: '/dashboard/settings', icon: Settings },
  shownTo: 'settings.read',
  preload: { url: '/api/settings', preview: () => import('./components/settings-view').then((m) => m.SettingsPreview) },
});
