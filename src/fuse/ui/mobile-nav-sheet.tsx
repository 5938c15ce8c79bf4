'use client';

import { Menu } from 'lucide-react';
import { usePathname } from 'next/navigation';
import { useState, type ReactNode } from 'react';
import { Dialog, DialogContent, DialogTrigger } from './dialog';

/**
 * The navigation on a phone as a sheet from the left (a Radix dialog: focus is trapped inside and
 * returns to the button). It opens as it loads (the button was just pressed) and closes when the
 * page changes.
 */
export function MobileNavSheet({ title, children }: { title: ReactNode; children: ReactNode }) {
  const [open, setOpen] = useState(true);
  const pathname = usePathname();
  const [shownPath, setShownPath] = useState(pathname);
  if (shownPath !== pathname) {
    setShownPath(pathname);
    setOpen(false);
  }
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger className="-ml-1 cursor-pointer rounded-md p-2 hover:bg-muted" aria-label="Open menu">
        <Menu aria-hidden className="size-5" />
      </DialogTrigger>
      <DialogContent side="left" title={title}>
        {/* A tap on a link closes the sheet at once, before the new page has landed. */}
        <div onClick={(e) => (e.target as HTMLElement).closest('a') && setOpen(false)}>{children}</div>
      </DialogContent>
    </Dialog>
  );
}
