import { apiRoute } from '@/fuse/http/handler';
import { canReadMetrics } from '@/fuse/observability/metrics-auth';
import { publicChecks, readiness } from '@/fuse/observability/readiness';
import { isShuttingDown } from '@/fuse/shutdown';

export const dynamic = 'force-dynamic';

/**
 * Readiness: the database answers (and Redis, when configured); 503 otherwise, and 503 as soon as
 * the instance is draining for shutdown so a load balancer stops sending it new requests. Anyone may
 * ask; only a metrics reader (METRICS_TOKEN or an admiral) is told timings and error text.
 */
export const GET = apiRoute(async (request: Request) => {
  if (isShuttingDown()) {
    return Response.json({ status: 'shutting-down', checks: {} }, { status: 503, headers: { 'Cache-Control': 'no-store' } });
  }
  const result = await readiness();
  const detailed = await canReadMetrics(request).catch(() => false);
  return Response.json(
    { status: result.ready ? 'ready' : 'unavailable', checks: detailed ? result.checks : publicChecks(result.checks) },
    { status: result.ready ? 200 : 503, headers: { 'Cache-Control': 'no-store' } },
  );
});
