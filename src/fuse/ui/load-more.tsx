import { Button } from './button';

/** Under a paged list: how many rows are shown, and a button for the next page while there is one. */
export function LoadMoreBar({ count, more, busy, onMore }: { count: number; more: boolean; busy: boolean; onMore: () => void }) {
  return (
    <div className="mt-3 flex items-center justify-between gap-2">
      <span className="text-sm text-muted-foreground">{count} shown</span>
      {more ? (
        <Button variant="outline" onClick={onMore} disabled={busy}>
          Load more
        </Button>
      ) : null}
    </div>
  );
}
