import { notFound } from 'next/navigation';
import { BackupStatusPanel } from '@/fuse/backup/components/backup-status';
import { backupStatus } from '@/fuse/backup/runs';
import { OperationsView } from '@/domains/operations/components/operations-view';
import { operationsOverview, type OperationsOverview } from '@/domains/operations/queries';
import { NotFoundError } from '@/fuse/http/errors';
import { requireScope } from '@/fuse/session/scope';

export const metadata = { title: 'Operations' };

/** The admiral's operations page. The data layer refuses every other rank; they see a 404. */
export default async function AdminPage() {
  const { session, db } = await requireScope();
  let data: OperationsOverview;
  try {
    data = await operationsOverview(db, session);
  } catch (err) {
    if (err instanceof NotFoundError) notFound();
    throw err;
  }
  // Read only after the data layer has accepted the admiral.
  const backups = await backupStatus(db);
  return (
    <>
      <OperationsView data={data} />
      <BackupStatusPanel status={backups} />
    </>
  );
}
