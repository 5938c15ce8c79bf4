import { ClientSummaryCards } from '@/domains/clients/components/client-summary';
import { clientSummary, newClientsByMonth } from '@/domains/clients/queries';
import { currentBusinessName } from '@/fuse/auth/queries';
import { cachedPageData, currentMinute } from '@/fuse/http/read-cache';
import { requireScope } from '@/fuse/session/scope';

export const metadata = { title: 'Overview' };

export default async function DashboardPage() {
  const { session, db } = await requireScope();
  // From memory while the business's data has not moved; "new clients per month" depends on the date.
  const { data } = await cachedPageData(
    db,
    session,
    { name: 'overview', permission: 'clients.read', params: { minute: currentMinute() } },
    async () => {
      const [summary, businessName, byMonth] = await Promise.all([
        clientSummary(db, session),
        currentBusinessName(db, session),
        newClientsByMonth(db, session),
      ]);
      return { summary, businessName, byMonth };
    },
  );
  return <ClientSummaryCards summary={data.summary} businessName={data.businessName} byMonth={data.byMonth} />;
}
