import type { LucideIcon } from 'lucide-react';
import type { Action } from '@/fuse/auth/permissions';
import type { PreviewLoader } from '@/fuse/store/instant-navigation';

/**
 * What a domain tells the platform about itself, in `src/domains/<name>/manifest.ts`: the sidebar
 * entry, who sees it, and how its page is preloaded and previewed for instant navigation. The
 * sidebar's links, the instant navigation (both client components: see `preload`) and the lint
 * rules read it; nothing else lists the domains.
 */
export type DomainManifest = {
  /** The domain's folder under src/domains, and its key in the preload cache. */
  name: string;
  /** The sidebar entry; none for a domain without a page of its own. */
  navigation?: {
    label: string;
    href: string;
    /** A lucide-react icon shown before the label (decorative: screen readers read the label). */
    icon: LucideIcon;
  };
  /** The permission a rank needs to see the domain's page (its data layer checks again on every read). */
  shownTo: Action;
  /**
   * The one GET that returns the page's slice (fetched by the idle preloader), and the page drawn
   * from that slice between a click and the server's render, as a dynamic import
   * (`() => import('./components/x-preview').then((m) => m.XPreview)`): its code loads when the
   * browser is idle, not with every dashboard page.
   */
  preload?: { url: string; preview: PreviewLoader };
};

/** Declares a domain's manifest (typed, so a missing field is a type error). */
export function defineDomain(manifest: DomainManifest): DomainManifest {
  return manifest;
}
