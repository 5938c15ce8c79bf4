import { SettingsProvider, SettingsView } from '@/domains/settings/components/settings-view';
import { loadSettings } from '@/domains/settings/queries';
import { ExportData } from '@/fuse/backup/components/export-data';
import { requireScope } from '@/fuse/session/scope';
import { sessionSlice } from '@/fuse/store/slices';

export const metadata = { title: 'Settings' };

export default async function SettingsPage() {
  const { session, db } = await requireScope();
  const settings = await loadSettings(db, session);
  return (
    <SettingsProvider initial={{ ...sessionSlice(session), settings }}>
      <SettingsView />
      <ExportData rank={session.rank} />
    </SettingsProvider>
  );
}
