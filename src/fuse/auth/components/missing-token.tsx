import { TriangleAlert } from 'lucide-react';
import type { ReactNode } from 'react';

/** An account link opened without its token (cut off by a mail client, or typed by hand). */
export function MissingToken({ children }: { children: ReactNode }) {
  return (
    <p role="alert" className="flex gap-2 rounded-md border border-destructive px-3 py-2 text-sm text-destructive">
      <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
      <span>{children}</span>
    </p>
  );
}
