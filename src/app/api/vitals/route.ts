import { apiRoute, json } from '@/fuse/http/handler';
import { readBeacon } from '@/fuse/observability/beacon';
import { allowIngest, clientKey, INGEST_LIMITS } from '@/fuse/observability/ingest-limit';
import { storeReportedVitals } from '@/fuse/observability/vitals';

export const dynamic = 'force-dynamic';

/** Web vitals beacons from real browsers (navigator.sendBeacon): validated, limited, stored per page. */
export const POST = apiRoute(async (request: Request) => {
  if (!(await allowIngest('vitals', clientKey(request.headers), INGEST_LIMITS.vitals)))
    return json({ error: 'Too many measurements.' }, { status: 429 });
  const body = await readBeacon(request, 8 * 1024);
  if (!body.ok) return json({ error: body.error }, { status: body.status });
  const stored = await storeReportedVitals(body.value);
  if (!stored) return json({ error: 'Invalid measurement.' }, { status: 400 });
  return new Response(null, { status: 204, headers: { 'Cache-Control': 'no-store' } });
});
