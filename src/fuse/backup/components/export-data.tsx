import { can } from '@/fuse/auth/permissions';
import type { Rank } from '@/fuse/auth/schema-types';

/** The "Export data" section of settings: a plain download link, shown to captains and above. */
export function ExportData({ rank }: { rank: Rank }) {
  if (!can(rank, 'data.export')) return null;
  return (
    <section aria-labelledby="export-data-heading">
      <h2 id="export-data-heading">Export data</h2>
      <p className="muted">
        Download everything this business holds in FUSE (business, members, clients, invoices and more) as one JSON file. Password hashes and secrets
        are never included.
      </p>
      <a className="button" href="/api/export" download>
        Export data (JSON)
      </a>
    </section>
  );
}
