'use client';

import { useCallback, useRef, useState } from 'react';

/**
 * A widget whose code loads on first use, not with the page: its trigger is drawn at once (same
 * look, so nothing moves), a hover or focus starts the download, and a click shows the widget open.
 * Keeps Radix menus and dialogs out of every dashboard page's first-load JavaScript.
 */
export function useOnDemand<T>(load: () => Promise<T>): { loaded: T | null; prefetch: () => void; open: () => void } {
  const [loaded, setLoaded] = useState<T | null>(null);
  const started = useRef<Promise<T> | null>(null);
  const prefetch = useCallback(() => {
    started.current ??= load();
  }, [load]);
  const open = useCallback(() => {
    started.current ??= load();
    void started.current.then((m) => setLoaded(() => m));
  }, [load]);
  return { loaded, prefetch, open };
}
