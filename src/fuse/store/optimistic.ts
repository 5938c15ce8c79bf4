import { newMutationId } from './api';
import type { UiSlice } from './slices';

/** Shows a refused request's message; the change it made on screen is already undone. */
export function showError(ui: UiSlice['ui'], err: unknown): void {
  ui.showToast('error', err instanceof Error ? err.message : 'Something went wrong.');
}

export type OptimisticChange<T> = {
  /** Changes the store at once; returns what undoes exactly that change. */
  show: () => () => void;
  /** The request, tagged with the change's mutation id. */
  request: (mutationId: string) => Promise<T>;
  /** The server's answer arrived: put the saved version in place. */
  confirm?: (saved: T) => void;
  /** Marks the mutation id pending while the request runs, so its live echo is recognised and skipped. */
  track?: (mutationId: string, pending: boolean) => void;
  /** The request was refused (after the undo): `err` says so ("… Your change was undone."), the server's error is its cause. */
  fail: (err: unknown) => void;
};

/**
 * One optimistic change, the same way in every slice: shown before the server answers, confirmed
 * with the saved version, undone on error. Resolves true when the server accepted it.
 */
export async function runOptimistic<T>(change: OptimisticChange<T>): Promise<boolean> {
  const id = newMutationId();
  change.track?.(id, true);
  const undo = change.show();
  try {
    const saved = await change.request(id);
    change.confirm?.(saved);
    return true;
  } catch (err) {
    undo();
    // The toast tells the user both what the server said and that the screen went back.
    const said = err instanceof Error ? err.message : 'Something went wrong.';
    change.fail(new Error(`${said.replace(/\.?$/, '.')} Your change was undone.`, { cause: err }));
    return false;
  } finally {
    change.track?.(id, false);
  }
}
