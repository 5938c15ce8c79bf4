import { BillingProvider, BillingView } from '@/domains/billing/components/billing-view';
import { loadBilling } from '@/domains/billing/queries';
import { outboxPosition } from '@/fuse/live/outbox';
import { requireScope } from '@/fuse/session/scope';
import { sessionSlice } from '@/fuse/store/slices';

export const metadata = { title: 'Billing' };

export default async function BillingPage() {
  const { session, db } = await requireScope();
  // The live stream resumes from here: read BEFORE the data, so a payment in between is replayed.
  const livePosition = await outboxPosition(db, session.businessId);
  const billing = await loadBilling(db, session);
  return (
    <BillingProvider initial={{ ...sessionSlice(session), billing }} livePosition={livePosition}>
      <BillingView />
    </BillingProvider>
  );
}
