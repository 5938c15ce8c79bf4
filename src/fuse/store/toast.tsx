'use client';

import { ToastView } from '@/fuse/ui/toast';
import { useFuse } from './provider';
import type { UiSlice } from './slices';

/** The page's toast: the error when the server refuses an optimistic change (already rolled back), or a short notice. */
export function Toast() {
  const toast = useFuse((s: UiSlice) => s.ui.toast);
  const dismiss = useFuse((s: UiSlice) => s.ui.dismissToast);
  return <ToastView toast={toast} onDismiss={dismiss} />;
}
