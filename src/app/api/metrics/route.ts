import { apiRoute } from '@/fuse/http/handler';
import { metricsText } from '@/fuse/observability/metrics';
import { canReadMetrics } from '@/fuse/observability/metrics-auth';

export const dynamic = 'force-dynamic';

/** Prometheus scrape endpoint: `Authorization: Bearer $METRICS_TOKEN` or an admiral's session. */
export const GET = apiRoute(async (request: Request) => {
  if (!(await canReadMetrics(request))) {
    return new Response('Unauthorized\n', {
      status: 401,
      headers: { 'Cache-Control': 'no-store', 'WWW-Authenticate': 'Bearer realm="metrics"', 'Content-Type': 'text/plain' },
    });
  }
  const { body, contentType } = await metricsText();
  return new Response(body, { headers: { 'Content-Type': contentType, 'Cache-Control': 'no-store' } });
});
