import type { HTMLAttributes, TdHTMLAttributes, ThHTMLAttributes } from 'react';
import { cn } from './cn';

/**
 * A table that scrolls sideways inside its own box on a narrow screen, so the page never does. The
 * box is focusable (keyboard users can scroll it) and named by `label`; it is `relative` so what is
 * positioned inside (a screen-reader-only header) scrolls with it instead of widening the page.
 */
export function Table({ label, className, children, ...props }: HTMLAttributes<HTMLTableElement> & { label: string }) {
  return (
    <div role="region" aria-label={label} tabIndex={0} className="relative w-full overflow-x-auto rounded-xl border border-border bg-card shadow-xs">
      <table className={cn('data-table', className)} {...props}>
        {children}
      </table>
    </div>
  );
}

// Rows and cells take their look from `.data-table` (globals.css): a list repeats them on every row,
// so they carry only the classes a caller adds.
export function TableHeader(props: HTMLAttributes<HTMLTableSectionElement>) {
  return <thead {...props} />;
}

export function TableBody(props: HTMLAttributes<HTMLTableSectionElement>) {
  return <tbody {...props} />;
}

export function TableRow(props: HTMLAttributes<HTMLTableRowElement>) {
  return <tr {...props} />;
}

export function TableHead(props: ThHTMLAttributes<HTMLTableCellElement>) {
  return <th {...props} />;
}

export function TableCell(props: TdHTMLAttributes<HTMLTableCellElement>) {
  return <td {...props} />;
}
