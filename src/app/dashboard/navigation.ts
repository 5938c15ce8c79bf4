import { can } from '@/fuse/auth/permissions';
import type { Rank } from '@/fuse/auth/schema-types';
import type { PreloadTarget } from '@/fuse/store/instant-navigation';

export type NavItem = { href: string; label: string; preload?: PreloadTarget };

/**
 * The sidebar: what this rank may open, and for each page the one GET that returns its slice (what
 * the idle preloader fetches for instant navigation).
 */
export function dashboardNav(rank: Rank): NavItem[] {
  const items: NavItem[] = [
    { href: '/dashboard', label: 'Overview' },
    { href: '/dashboard/clients', label: 'Clients', preload: { key: 'clients', href: '/dashboard/clients', url: '/api/clients?status=active' } },
    { href: '/dashboard/finance', label: 'Finance', preload: { key: 'finance', href: '/dashboard/finance', url: '/api/invoices?summary=1' } },
  ];
  if (can(rank, 'team.read')) {
    items.push({ href: '/dashboard/team', label: 'Team', preload: { key: 'team', href: '/dashboard/team', url: '/api/team' } });
  }
  items.push({ href: '/dashboard/settings', label: 'Settings', preload: { key: 'settings', href: '/dashboard/settings', url: '/api/settings' } });
  return items;
}
