import { Zap } from 'lucide-react';
import { cn } from './cn';

/** The product's mark and name. */
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
