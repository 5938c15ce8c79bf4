import { ClientsProvider } from '@/domains/clients/components/clients-provider';
import { ClientsView } from '@/domains/clients/components/clients-view';
import { listClients } from '@/domains/clients/queries';
import { requireScope } from '@/fuse/session/scope';
import { sessionSlice } from '@/fuse/store/slices';

export const metadata = { title: 'Clients' };

export default async function ClientsPage() {
  const { session, db } = await requireScope();
  const page = await listClients(db, session, { status: 'active' });
  return (
    <ClientsProvider initial={{ ...sessionSlice(session), clients: { ...page, filter: { status: 'active', q: '' } } }}>
      <ClientsView />
    </ClientsProvider>
  );
}
