'use client';

import { useFuse } from './provider';
import type { UiSlice } from './slices';

/** The visible error when the server refuses an optimistic change (the change is already rolled back). */
export function Toast() {
  const toast = useFuse((s: UiSlice) => s.ui.toast);
  const dismiss = useFuse((s: UiSlice) => s.ui.dismissToast);
  if (!toast) return null;
  return (
    <div role="alert" className={`toast toast-${toast.kind}`}>
      <span>{toast.message}</span>
      <button type="button" className="link" onClick={dismiss} aria-label="Dismiss">
        ×
      </button>
    </div>
  );
}
