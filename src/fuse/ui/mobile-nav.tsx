'use client';

import { Menu } from 'lucide-react';
import type { ReactNode } from 'react';
import { useOnDemand } from './on-demand';

const loadSheet = () => import('./mobile-nav-sheet');

/** The button that opens the navigation on a phone (`MobileNavSheet`, loaded on first use). */
export function MobileNav({ title, children }: { title: ReactNode; children: ReactNode }) {
  const { loaded, prefetch, open } = useOnDemand(loadSheet);
  if (loaded) return <loaded.MobileNavSheet title={title}>{children}</loaded.MobileNavSheet>;
  return (
    <button
      type="button"
      aria-label="Open menu"
      aria-haspopup="dialog"
      className="-ml-1 cursor-pointer rounded-md p-2 hover:bg-muted"
      onPointerEnter={prefetch}
      onFocus={prefetch}
      onClick={open}
    >
      <Menu aria-hidden className="size-5" />
    </button>
  );
}
