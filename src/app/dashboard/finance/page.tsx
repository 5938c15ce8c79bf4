import { FinanceProvider } from '@/domains/finance/components/finance-provider';
import { FinanceView } from '@/domains/finance/components/finance-view';
import { loadFinanceSlice } from '@/domains/finance/queries';
import { outboxPosition } from '@/fuse/live/outbox';
import { requireScope } from '@/fuse/session/scope';
import { sessionSlice } from '@/fuse/store/slices';

export const metadata = { title: 'Finance' };

export default async function FinancePage() {
  const { session, db } = await requireScope();
  // The live stream resumes from here: read BEFORE the data, so a change in between is replayed.
  const livePosition = await outboxPosition(db, session.businessId);
  const finance = await loadFinanceSlice(db, session);
  return (
    <FinanceProvider initial={{ ...sessionSlice(session), finance }} livePosition={livePosition}>
      <FinanceView />
    </FinanceProvider>
  );
}
