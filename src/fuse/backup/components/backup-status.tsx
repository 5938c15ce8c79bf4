import type { BackupStatus } from '../runs';

function formatBytes(n: number | null): string {
  if (n == null) return '—';
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

/** The admiral's "Backups" panel: the last run (time, size, outcome) and the last successful one. */
export function BackupStatusPanel({ status, now = new Date() }: { status: BackupStatus; now?: Date }) {
  const { last, lastSuccess } = status;
  const ageHours = lastSuccess ? (now.getTime() - lastSuccess.startedAt.getTime()) / 3_600_000 : null;
  return (
    <section aria-labelledby="backups-heading">
      <h2 id="backups-heading">Backups</h2>
      {!last ? (
        <p className="muted">No backup has run yet. Set BACKUP_DIR to schedule them, or run `npm run backup`.</p>
      ) : (
        <dl>
          <dt>Last backup</dt>
          <dd>
            <time dateTime={last.startedAt.toISOString()}>{last.startedAt.toISOString().replace('T', ' ').slice(0, 16)} UTC</time> ·{' '}
            <strong data-outcome={last.outcome}>{last.outcome === 'success' ? 'succeeded' : 'failed'}</strong> · {last.trigger} ·{' '}
            {formatBytes(last.bytes)} · {(last.durationMs / 1000).toFixed(1)} s{last.error ? <span className="muted"> — {last.error}</span> : null}
          </dd>
          <dt>Last successful</dt>
          <dd>
            {lastSuccess && ageHours != null
              ? `${lastSuccess.file ?? ''} · ${ageHours < 1 ? 'under an hour' : `${Math.floor(ageHours)} h`} ago · ${(lastSuccess.rows ?? 0).toLocaleString('en-US')} rows`
              : 'none'}
          </dd>
        </dl>
      )}
    </section>
  );
}
