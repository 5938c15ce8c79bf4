import { LayoutDashboard, type LucideIcon } from 'lucide-react';
import { can } from '@/fuse/auth/permissions';
import type { Rank } from '@/fuse/auth/schema-types';
import type { PreloadTarget } from '@/fuse/store/instant-navigation';
import { DOMAINS } from './domains';

export type NavItem = { href: string; label: string; icon: LucideIcon; preload?: PreloadTarget };

/**
 * The sidebar, from the domains' manifests: what this rank may open, and for each page the one GET
 * that returns its slice (what the idle preloader fetches for instant navigation).
 */
export function dashboardNav(rank: Rank): NavItem[] {
  const items: NavItem[] = [{ href: '/dashboard', label: 'Overview', icon: LayoutDashboard }];
  for (const domain of DOMAINS) {
    if (!domain.navigation || !can(rank, domain.shownTo)) continue;
    const { href, label, icon } = domain.navigation;
    items.push({ href, label, icon, ...(domain.preload ? { preload: { key: domain.name, href, url: domain.preload.url } } : {}) });
  }
  return items;
}
