import { headers } from 'next/headers';
import { json } from '@/fuse/http/handler';
import { receiveBrowserError } from '@/fuse/observability/browser-error';
import { clientKey } from '@/fuse/observability/ingest-limit';
import { requestIdFrom } from '@/fuse/observability/request';

export const dynamic = 'force-dynamic';

/** Browser errors (window.onerror, unhandled rejections, error boundaries): limited, validated, sampled, grouped. */
export async function POST(request: Request) {
  const h = await headers();
  const result = await receiveBrowserError(request, { client: clientKey(h), requestId: requestIdFrom(h) });
  if (result.status === 202) return json({ fingerprint: result.fingerprint }, { status: 202 });
  return json({ error: result.error }, { status: result.status });
}
