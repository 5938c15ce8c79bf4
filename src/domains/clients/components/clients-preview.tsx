'use client';

import type { SessionView } from '@/fuse/store/slices';
import type { ClientPage } from '../queries';
import { ClientsProvider } from './clients-provider';
import { ClientsView } from './clients-view';

/** The clients page drawn from a preloaded slice (instant navigation), until the server's render arrives. */
export function ClientsPreview({ data, session }: { data: unknown; session: SessionView }) {
  return (
    <ClientsProvider initial={{ session, clients: { ...(data as ClientPage), filter: { status: 'active', q: '' } } }} livePosition={null}>
      <ClientsView />
    </ClientsProvider>
  );
}
