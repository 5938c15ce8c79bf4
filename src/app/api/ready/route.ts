import { readiness } from '@/fuse/observability/readiness';

export const dynamic = 'force-dynamic';

/** Readiness: the database answers (and Redis, when configured); 503 otherwise. */
export async function GET() {
  const result = await readiness();
  return Response.json(
    { status: result.ready ? 'ready' : 'unavailable', checks: result.checks },
    { status: result.ready ? 200 : 503, headers: { 'Cache-Control': 'no-store' } },
  );
}
