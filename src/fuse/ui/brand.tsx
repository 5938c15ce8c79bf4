'use client';

import { Zap } from 'lucide-react';
import { cn } from './cn';

/**
 * The product's mark and name. A client component so that the icon's paths are not serialised into
 * the RSC payload each time a server component shows it.
 */
export function Brand({ className }: { className?: string }) {
  return (
    <span className={cn('inline-flex items-center gap-2 font-semibold tracking-wide text-foreground', className)}>
      <span aria-hidden className="flex size-7 items-center justify-center rounded-md bg-primary text-primary-foreground">
        <Zap className="size-4" />
      </span>
      FUSE
    </span>
  );
}
