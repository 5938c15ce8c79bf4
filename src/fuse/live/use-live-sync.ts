'use client';

import { useEffect, useRef } from 'react';
import type { StoreApi } from 'zustand';
import type { LiveChange, UiSlice } from '@/fuse/store/slices';

export type LiveSyncOptions<TState> = {
  /** Outbox position the server rendered the page's data at: the stream starts right after it. */
  position: number;
  /** The stream could not be replayed (too far behind): reload the page's slices. */
  onResync: (state: TState) => void | Promise<void>;
  /** Stream URL (tests and other mounts); default `/api/live`. */
  url?: string;
};

type Appliable = { apply?: (change: LiveChange) => void };

/** Hands a change to every slice of the store that has an `apply` (a slice ignores other domains). */
export function applyToSlices(state: unknown, change: LiveChange): void {
  for (const slice of Object.values(state as Record<string, unknown>)) {
    if (slice && typeof slice === 'object' && typeof (slice as Appliable).apply === 'function') {
      (slice as Required<Appliable>).apply(change);
    }
  }
}

/** Delay before reconnect attempt `n` (0-based): exponential from 0.5 s to 30 s, with jitter. */
export function reconnectDelay(attempt: number, random = Math.random()): number {
  const base = Math.min(30_000, 500 * 2 ** Math.min(attempt, 10));
  return Math.round(base * (0.5 + random / 2));
}

/**
 * One live stream per tab: opens `/api/live?after=<position>`, applies each change to the store,
 * reconnects with backoff from the last event id it saw (so the server replays what was missed),
 * keeps `ui.online` current, and on `resync` reloads the slices.
 */
export function useLiveSync<TState extends UiSlice>(store: StoreApi<TState>, options: LiveSyncOptions<TState>): void {
  const latest = useRef(options);
  useEffect(() => {
    latest.current = options;
  });

  useEffect(() => {
    const url = latest.current.url ?? '/api/live';
    let last = latest.current.position;
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let attempt = 0;
    let stopped = false;

    const setOnline = (online: boolean) => {
      if (store.getState().ui.online !== online) store.getState().ui.setOnline(online);
    };
    const connect = () => {
      timer = null;
      if (stopped) return;
      // A fresh EventSource per attempt (not the browser's own retry) so the backoff is ours and the
      // resume point travels in the URL.
      const es = new EventSource(`${url}?after=${last}`);
      source = es;
      es.onopen = () => {
        attempt = 0;
        setOnline(true);
      };
      es.onmessage = (event) => {
        const change = JSON.parse(event.data as string) as LiveChange;
        if (change.id <= last) return;
        last = change.id;
        applyToSlices(store.getState(), change);
      };
      // Past changes this reader may not read: resume after them, there is nothing to apply.
      es.addEventListener('position', (event) => {
        const { position } = JSON.parse((event as MessageEvent<string>).data) as { position: number };
        last = Math.max(last, position);
      });
      es.addEventListener('resync', (event) => {
        const { position } = JSON.parse((event as MessageEvent<string>).data) as { position: number };
        last = Math.max(last, position);
        void latest.current.onResync(store.getState());
      });
      es.onerror = () => {
        if (source !== es) return es.close();
        drop();
      };
    };
    /** The stream is down: say so, and try again after a backoff delay. */
    const drop = () => {
      source?.close();
      source = null;
      if (stopped) return;
      setOnline(false);
      if (!timer) timer = setTimeout(connect, reconnectDelay(attempt++));
    };
    /** The browser is back online: reconnect now, resuming after the last event seen. */
    const reconnectNow = () => {
      if (stopped) return;
      if (timer) clearTimeout(timer);
      source?.close();
      source = null;
      attempt = 0;
      connect();
    };
    window.addEventListener('online', reconnectNow);
    window.addEventListener('offline', drop);
    connect();
    return () => {
      stopped = true;
      window.removeEventListener('online', reconnectNow);
      window.removeEventListener('offline', drop);
      if (timer) clearTimeout(timer);
      source?.close();
      source = null;
    };
  }, [store]);
}
