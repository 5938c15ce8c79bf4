import { DatabaseBackup } from 'lucide-react';
import { Badge } from '@/fuse/ui/badge';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/fuse/ui/card';
import { BarChart } from '@/fuse/ui/chart';
import { EmptyState } from '@/fuse/ui/empty-state';
import type { BackupStatus } from '../runs';

function formatBytes(n: number | null): string {
  if (n == null) return '—';
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

const DAY = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });

/** The admiral's "Backups" panel: the last run (time, size, outcome), the last successful one, and the recent history. */
export function BackupStatusPanel({ status, now = new Date() }: { status: BackupStatus; now?: Date }) {
  const { last, lastSuccess, recent } = status;
  const ageHours = lastSuccess ? (now.getTime() - lastSuccess.startedAt.getTime()) / 3_600_000 : null;
  const history = [...recent].reverse();
  return (
    <Card className="mt-6" aria-labelledby="backups-heading" role="region">
      <CardHeader>
        <CardTitle id="backups-heading">Backups</CardTitle>
        <CardDescription>Size of each recent run (UTC); a failed run shows as an empty slot.</CardDescription>
      </CardHeader>
      <CardContent>
        {!last ? (
          <EmptyState icon={DatabaseBackup} title="No backup has run yet" description="Set BACKUP_DIR to schedule them, or run `npm run backup`." />
        ) : (
          <>
            <dl className="grid gap-3 text-sm sm:grid-cols-2">
              <div>
                <dt className="text-muted-foreground">Last backup</dt>
                <dd className="mt-0.5 flex flex-wrap items-center gap-x-2 gap-y-1">
                  <time dateTime={last.startedAt.toISOString()}>{last.startedAt.toISOString().replace('T', ' ').slice(0, 16)} UTC</time>
                  <Badge tone={last.outcome === 'success' ? 'success' : 'danger'} data-outcome={last.outcome}>
                    {last.outcome === 'success' ? 'succeeded' : 'failed'}
                  </Badge>
                  <span>
                    {last.trigger} · {formatBytes(last.bytes)} · {(last.durationMs / 1000).toFixed(1)} s
                  </span>
                  {last.error ? <span className="text-muted-foreground">— {last.error}</span> : null}
                </dd>
              </div>
              <div>
                <dt className="text-muted-foreground">Last successful</dt>
                <dd className="mt-0.5 break-words">
                  {lastSuccess && ageHours != null
                    ? `${lastSuccess.file ?? ''} · ${ageHours < 1 ? 'under an hour' : `${Math.floor(ageHours)} h`} ago · ${(lastSuccess.rows ?? 0).toLocaleString('en-US')} rows`
                    : 'none'}
                </dd>
              </div>
            </dl>
            <div className="mt-5">
              <BarChart
                name="Backup size per run"
                data={history.map((r) => ({
                  key: String(r.id),
                  label: DAY.format(r.startedAt),
                  value: r.outcome === 'success' ? (r.bytes ?? 0) : 0,
                }))}
                format={formatBytes}
                formatValue={(v) => (v === 0 ? 'failed or empty' : formatBytes(v))}
                color={2}
                height={140}
              />
            </div>
          </>
        )}
      </CardContent>
    </Card>
  );
}
