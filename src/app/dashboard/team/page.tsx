import { TeamProvider, TeamView } from '@/domains/team/components/team-view';
import { loadTeam } from '@/domains/team/queries';
import { notFound } from 'next/navigation';
import { can } from '@/fuse/auth/permissions';
import { outboxPosition } from '@/fuse/live/outbox';
import { requireScope } from '@/fuse/session/scope';
import { sessionSlice } from '@/fuse/store/slices';

export const metadata = { title: 'Team' };

export default async function TeamPage() {
  const { session, db } = await requireScope();
  // The sidebar offers Team to captains and above; for crew the page does not exist.
  if (!can(session.rank, 'team.read')) notFound();
  // The live stream resumes from here: read BEFORE the data, so a change in between is replayed.
  const livePosition = await outboxPosition(db, session.businessId);
  const team = await loadTeam(db, session);
  return (
    <TeamProvider initial={{ ...sessionSlice(session), team }} livePosition={livePosition}>
      <TeamView />
    </TeamProvider>
  );
}
