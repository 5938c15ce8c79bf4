import Link from 'next/link';
import { SettingsProvider, SettingsView } from '@/domains/settings/components/settings-view';
import { loadSettings } from '@/domains/settings/queries';
import { ExportData } from '@/fuse/backup/components/export-data';
import { outboxPosition } from '@/fuse/live/outbox';
import { requireScope } from '@/fuse/session/scope';
import { sessionSlice } from '@/fuse/store/slices';

export const metadata = { title: 'Settings' };

export default async function SettingsPage() {
  const { session, db } = await requireScope();
  // The live stream resumes from here: read BEFORE the data, so a change in between is replayed.
  const livePosition = await outboxPosition(db, session.businessId);
  const settings = await loadSettings(db, session);
  return (
    <SettingsProvider initial={{ ...sessionSlice(session), settings }} livePosition={livePosition}>
      <SettingsView />
      <ExportData rank={session.rank} />
      <p>
        <Link href="/dashboard/settings/security">Security: password, email address, sessions, delete account</Link>
      </p>
    </SettingsProvider>
  );
}
