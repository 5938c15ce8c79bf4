import type { HTMLAttributes, ReactNode, TdHTMLAttributes, ThHTMLAttributes } from 'react';
import { cn } from './cn';

/** A column of a `Table`: its name, or its name with classes for the header cell. `hidden` keeps the name for screen readers only (an actions column). */
export type TableColumn = string | { label: string; className?: string; hidden?: boolean };

/**
 * A list as one markup for every width: a table from `md` up, and below it a stack of cards, one a
 * row, each cell showing its column's label (`.data-table` in globals.css). The header row comes from
 * `columns`; the children are the rows. A row starts with a `TableRowHead` (its name, the card's
 * title) and labels each further cell with `label`, so the labels travel as attributes and no row
 * carries classes of its own. `empty` (an `EmptyState`) takes the whole width when given. The box is
 * focusable and named by `label`, and scrolls sideways inside itself should a wide table still not fit.
 */
export function Table({
  label,
  columns,
  empty,
  className,
  children,
  ...props
}: HTMLAttributes<HTMLTableElement> & { label: string; columns: readonly TableColumn[]; empty?: ReactNode }) {
  return (
    <div role="region" aria-label={label} tabIndex={0} className="table-box">
      <table className={cn('data-table', className)} {...props}>
        <thead>
          <tr>
            {columns.map((column) => {
              const { label: name, className: headClass, hidden } = typeof column === 'string' ? { label: column } : column;
              return (
                <th key={name} scope="col" className={headClass}>
                  {hidden ? <span className="sr-only">{name}</span> : name}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {children}
          {empty ? (
            <tr>
              <td colSpan={columns.length} className="p-0 whitespace-normal">
                {empty}
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}

export function TableRow(props: HTMLAttributes<HTMLTableRowElement>) {
  return <tr {...props} />;
}

/** A row's first cell, what names it: the card's title on a phone. */
export function TableRowHead(props: ThHTMLAttributes<HTMLTableCellElement>) {
  return <th scope="row" {...props} />;
}

/** A cell; `label` (its column's name) shows before it when the row is a card. A cell without one (actions) shows alone. */
export function TableCell({ label, ...props }: TdHTMLAttributes<HTMLTableCellElement> & { label?: string }) {
  return <td data-label={label} {...props} />;
}
