import { Settings } from 'lucide-react';
import { defineDomain } from '@/fuse/domain-manifest';
import { SettingsPreview } from './components/settings-view';

export const settingsDomain = defineDomain({
  name: 'settings',
  navigation: { label: 'Settings', href: '/dashboard/settings', icon: Settings },
  shownTo: 'settings.read',
  preload: { url: '/api/settings', preview: SettingsPreview },
});
