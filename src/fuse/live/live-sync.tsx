'use client';

import { useRouter } from 'next/navigation';
import { useFuse, useFuseStoreApi } from '@/fuse/store/provider';
import type { UiSlice } from '@/fuse/store/slices';
import { useLiveSync } from './use-live-sync';

/**
 * Keeps the page's store current from the live stream. Render it once inside the page's
 * FuseProvider with the outbox position the server read the page's data at. Shows a small
 * "offline" note while the stream is down.
 */
export function LiveSync<TState extends UiSlice>({
  position,
  onResync,
}: {
  position: number;
  /** Reload the slices when the stream cannot be replayed; default: re-render the page on the server. */
  onResync?: (state: TState) => void | Promise<void>;
}) {
  const store = useFuseStoreApi<TState>();
  const router = useRouter();
  useLiveSync(store, { position, onResync: onResync ?? (() => router.refresh()) });
  const online = useFuse((s: UiSlice) => s.ui.online);
  if (online) return null;
  return (
    <p role="status" className="offline live-offline" title="Changes from others will appear when the connection is back.">
      Offline: reconnecting…
    </p>
  );
}
