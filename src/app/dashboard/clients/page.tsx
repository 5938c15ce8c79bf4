import { ClientsProvider } from '@/domains/clients/components/clients-provider';
import { ClientsView } from '@/domains/clients/components/clients-view';
import { listClients } from '@/domains/clients/queries';
import { outboxPosition } from '@/fuse/live/outbox';
import { requireScope } from '@/fuse/session/scope';
import { sessionSlice } from '@/fuse/store/slices';

export const metadata = { title: 'Clients' };

export default async function ClientsPage() {
  const { session, db } = await requireScope();
  // The live stream resumes from here: read BEFORE the data, so a change in between is replayed.
  const livePosition = await outboxPosition(db, session.businessId);
  const page = await listClients(db, session, { status: 'active' });
  return (
    <ClientsProvider initial={{ ...sessionSlice(session), clients: { ...page, filter: { status: 'active', q: '' } } }} livePosition={livePosition}>
      <ClientsView />
    </ClientsProvider>
  );
}
