import { apiRoute } from '@/fuse/http/handler';
import { config } from '@/fuse/config';
import { logger } from '@/fuse/observability/logger';
import { bearerMatches } from '@/fuse/security/bearer';
import { CRON_JOBS } from '@/jobs';

export const dynamic = 'force-dynamic';
/** Seconds a host may let one job run (Vercel's function limit); a long-running server ignores it. */
export const maxDuration = 300;

const headers = { 'Cache-Control': 'no-store' };

/**
 * Runs one background job now: for a host's scheduler (Vercel Cron sends `Authorization: Bearer
 * $CRON_SECRET`). Off (404) while CRON_SECRET is not set; 401 without the secret, before the job
 * name is even looked at; 404 for a name that is not a job. The name is never echoed back.
 */
export const GET = apiRoute(async (request: Request, { params }: { params: Promise<{ job: string }> }) => {
  const secret = config().cronSecret;
  if (!secret) return Response.json({ error: 'Not found.' }, { status: 404, headers });
  if (!bearerMatches(request.headers.get('authorization'), secret)) {
    return Response.json({ error: 'A valid cron secret is required.' }, { status: 401, headers: { ...headers, 'WWW-Authenticate': 'Bearer' } });
  }
  const { job } = await params;
  const run = CRON_JOBS.get(job);
  if (!run) return Response.json({ error: 'No such job.', jobs: [...CRON_JOBS.keys()] }, { status: 404, headers });
  const started = performance.now();
  try {
    const outcome = await run();
    const ms = Math.round(performance.now() - started);
    if (!outcome.ok) return Response.json({ job, error: outcome.error, ms }, { status: outcome.status, headers });
    logger.info({ job, ms }, 'cron: job ran');
    return Response.json({ job, result: outcome.result, ms }, { headers });
  } catch (err) {
    logger.error({ err, job }, 'cron: job failed');
    return Response.json({ job, error: 'The job failed; the server log says why.' }, { status: 500, headers });
  }
});
