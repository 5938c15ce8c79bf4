import { ClientSummaryCards } from '@/domains/clients/components/client-summary';
import { clientSummary, newClientsByMonth } from '@/domains/clients/queries';
import { currentBusinessName } from '@/fuse/auth/queries';
import { requireScope } from '@/fuse/session/scope';

export const metadata = { title: 'Overview' };

export default async function DashboardPage() {
  const { session, db } = await requireScope();
  const [summary, businessName, byMonth] = await Promise.all([
    clientSummary(db, session),
    currentBusinessName(db, session),
    newClientsByMonth(db, session),
  ]);
  return <ClientSummaryCards summary={summary} businessName={businessName} byMonth={byMonth} />;
}
