import { FinanceProvider } from '@/domains/finance/components/finance-provider';
import { FinanceView } from '@/domains/finance/components/finance-view';
import { loadFinanceSlice } from '@/domains/finance/queries';
import { cachedPageData, currentMinute } from '@/fuse/http/read-cache';
import { requireScope } from '@/fuse/session/scope';
import { sessionSlice } from '@/fuse/store/slices';

export const metadata = { title: 'Finance' };

export default async function FinancePage() {
  const { session, db } = await requireScope();
  // The live stream resumes from the position the data was read at (read before it, so a change in
  // between is replayed). Overdue and this month depend on the date: the minute is part of the key.
  const { livePosition, data: finance } = await cachedPageData(
    db,
    session,
    { name: 'finance', permission: 'finance.read', params: { minute: currentMinute() } },
    () => loadFinanceSlice(db, session),
  );
  return (
    <FinanceProvider initial={{ ...sessionSlice(session), finance }} livePosition={livePosition}>
      <FinanceView />
    </FinanceProvider>
  );
}
