/** How a list's toast names the rows someone else changed, e.g. "A client was added", "Client updated", "20 clients changed". */
export type LiveNoticeNames = { added: string; updated: string; many: (count: number) => string };

/** A burst ends after this long without a change, or this long after it began, whichever comes first. */
export const LIVE_NOTICE_QUIET_MS = 600;
export const LIVE_NOTICE_MAX_MS = 2_500;

/**
 * Gathers the live changes others make to a list into one message per burst: a change alone names
 * itself, twenty in a second say "20 … changed" once. `note(id, added)` counts a changed row (a row
 * changed twice counts once); `say` gets the message when the burst ends.
 */
export function liveNotices(names: LiveNoticeNames, say: (message: string) => void) {
  let rows = new Map<number, boolean>();
  let began = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    timer = null;
    const burst = rows;
    rows = new Map();
    if (burst.size === 1) say([...burst.values()][0] ? names.added : names.updated);
    else if (burst.size > 1) say(names.many(burst.size));
  };
  return function note(id: number, added: boolean) {
    rows.set(id, added || (rows.get(id) ?? false));
    const now = Date.now();
    if (timer) clearTimeout(timer);
    else began = now;
    timer = setTimeout(flush, Math.max(0, Math.min(LIVE_NOTICE_QUIET_MS, began + LIVE_NOTICE_MAX_MS - now)));
  };
}
