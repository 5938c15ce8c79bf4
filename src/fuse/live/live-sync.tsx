'use client';

import { useRouter } from 'next/navigation';
import { useStore, type StoreApi } from 'zustand';
import type { UiSlice } from '@/fuse/store/slices';
import { useLiveSync } from './use-live-sync';

/**
 * Keeps a page's store current from the live stream, from the outbox position the server read the
 * page's data at. FuseProvider mounts it for every page; it shows a small "offline" note while the
 * stream is down.
 */
export function LiveSync<TState extends UiSlice>({
  store,
  position,
  onResync,
}: {
  store: StoreApi<TState>;
  position: number;
  /** Reload the slices when the stream cannot be replayed; default: re-render the page on the server. */
  onResync?: (state: TState) => void | Promise<void>;
}) {
  const router = useRouter();
  useLiveSync(store, { position, onResync: onResync ?? (() => router.refresh()) });
  const online = useStore(store, (s) => s.ui.online);
  if (online) return null;
  return (
    <p
      role="status"
      className="offline live-offline fixed bottom-4 left-4 z-40 m-0 rounded-full border border-border bg-card px-3 py-1 text-xs font-medium text-destructive shadow-sm"
      title="Changes from others will appear when the connection is back."
    >
      Offline: reconnecting…
    </p>
  );
}
