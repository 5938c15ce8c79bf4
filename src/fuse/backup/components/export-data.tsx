import { Download } from 'lucide-react';
import { can } from '@/fuse/auth/permissions';
import type { Rank } from '@/fuse/auth/schema-types';
import { buttonVariants } from '@/fuse/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/fuse/ui/card';

/** The "Export data" section of settings: a plain download link, shown to captains and above. */
export function ExportData({ rank }: { rank: Rank }) {
  if (!can(rank, 'data.export')) return null;
  return (
    <Card className="mt-6" role="region" aria-labelledby="export-data-heading">
      <CardHeader>
        <CardTitle id="export-data-heading">Export data</CardTitle>
        <CardDescription>
          Download everything this business holds in FUSE (business, members, clients, invoices and more) as one JSON file. Password hashes and
          secrets are never included.
        </CardDescription>
      </CardHeader>
      <CardContent>
        <a className={buttonVariants({ variant: 'outline' })} href="/api/export" download>
          <Download aria-hidden /> Export data (JSON)
        </a>
      </CardContent>
    </Card>
  );
}
