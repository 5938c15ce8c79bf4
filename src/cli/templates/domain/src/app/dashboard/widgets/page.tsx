import { WidgetsProvider } from '@/domains/widgets/components/widgets-provider';
import { WidgetsView } from '@/domains/widgets/components/widgets-view';
import { listWidgets } from '@/domains/widgets/queries';
import { outboxPosition } from '@/fuse/live/outbox';
import { requireScope } from '@/fuse/session/scope';
import { sessionSlice } from '@/fuse/store/slices';

export const metadata = { title: 'Widgets' };

export default async function WidgetsPage() {
  const { session, db } = await requireScope();
  // The live stream resumes from here: read BEFORE the data, so a change in between is replayed.
  const livePosition = await outboxPosition(db, session.businessId);
  const page = await listWidgets(db, session, { status: 'active' });
  return (
    <WidgetsProvider initial={{ ...sessionSlice(session), widgets: { ...page, filter: { status: 'active' } } }} livePosition={livePosition}>
      <WidgetsView />
    </WidgetsProvider>
  );
}
