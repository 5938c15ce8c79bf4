import { ClientsProvider } from '@/domains/clients/components/clients-provider';
import { ClientsView } from '@/domains/clients/components/clients-view';
import { listClients } from '@/domains/clients/queries';
import { cachedPageData } from '@/fuse/http/read-cache';
import { requireScope } from '@/fuse/session/scope';
import { sessionSlice } from '@/fuse/store/slices';

export const metadata = { title: 'Clients' };

export default async function ClientsPage() {
  const { session, db } = await requireScope();
  // The live stream resumes from the position the data was read at (read before it, so a change in
  // between is replayed); the data comes from memory while the business's data has not moved.
  const { livePosition, data: page } = await cachedPageData(
    db,
    session,
    { name: 'clients', permission: 'clients.read', params: { status: 'active' } },
    () => listClients(db, session, { status: 'active' }),
  );
  return (
    <ClientsProvider initial={{ ...sessionSlice(session), clients: { ...page, filter: { status: 'active', q: '' } } }} livePosition={livePosition}>
      <ClientsView />
    </ClientsProvider>
  );
}
