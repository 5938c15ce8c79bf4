import { rankAtLeast } from '@/fuse/auth/schema-types';
import { defineDomain } from '@/fuse/domain-manifest';
import { SettingsPreview } from './components/settings-view';

export const settingsDomain = defineDomain({
  name: 'settings',
  navigation: { label: 'Settings', href: '/dashboard/settings', icon: '⚙' },
  shownTo: (rank) => rankAtLeast(rank, 'crew'),
  preload: { url: '/api/settings', preview: SettingsPreview },
});
