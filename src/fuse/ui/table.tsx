import type { HTMLAttributes, TdHTMLAttributes, ThHTMLAttributes } from 'react';
import { cn } from './cn';

/**
 * A list as one markup for every width: a table from `md` up, and below it a stack of cards, one a
 * row, each cell showing its column's label (`.data-table` in globals.css). A row starts with a
 * `TableRowHead` (its name, the card's title) and labels each further cell with `label`, so the
 * labels travel as attributes and no row carries classes of its own. The box is focusable and named
 * by `label`, and scrolls sideways inside itself should a wide table still not fit.
 */
export function Table({ label, className, children, ...props }: HTMLAttributes<HTMLTableElement> & { label: string }) {
  return (
    <div role="region" aria-label={label} tabIndex={0} className="table-box">
      <table className={cn('data-table', className)} {...props}>
        {children}
      </table>
    </div>
  );
}

export function TableHeader(props: HTMLAttributes<HTMLTableSectionElement>) {
  return <thead {...props} />;
}

export function TableBody(props: HTMLAttributes<HTMLTableSectionElement>) {
  return <tbody {...props} />;
}

export function TableRow(props: HTMLAttributes<HTMLTableRowElement>) {
  return <tr {...props} />;
}

/** A column's header (in `TableHeader`). */
export function TableHead(props: ThHTMLAttributes<HTMLTableCellElement>) {
  return <th scope="col" {...props} />;
}

/** A row's first cell, what names it: the card's title on a phone. */
export function TableRowHead(props: ThHTMLAttributes<HTMLTableCellElement>) {
  return <th scope="row" {...props} />;
}

/** A cell; `label` (its column's name) shows before it when the row is a card. A cell without one (actions) shows alone. */
export function TableCell({ label, ...props }: TdHTMLAttributes<HTMLTableCellElement> & { label?: string }) {
  return <td data-label={label} {...props} />;
}
