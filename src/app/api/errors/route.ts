import { apiRequestIdentity, apiRoute, json } from '@/fuse/http/handler';
import { receiveBrowserError } from '@/fuse/observability/browser-error';
import { clientKey } from '@/fuse/observability/ingest-limit';

export const dynamic = 'force-dynamic';

/** Browser errors (window.onerror, unhandled rejections, error boundaries): limited, validated, sampled, grouped. */
export const POST = apiRoute(async (request: Request) => {
  const result = await receiveBrowserError(request, { client: clientKey(request.headers), requestId: apiRequestIdentity(request).requestId });
  if (result.status === 202) return json({ fingerprint: result.fingerprint }, { status: 202 });
  return json({ error: result.error }, { status: result.status });
});
