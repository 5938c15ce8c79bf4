import { headers } from 'next/headers';
import { json } from '@/fuse/http/handler';
import { captureError } from '@/fuse/observability/errors';
import { allowIngest, clientKey } from '@/fuse/observability/ingest-limit';
import { readBeacon } from '@/fuse/observability/beacon';
import { browserErrorInput } from '@/fuse/observability/browser-error';
import { requestIdFrom } from '@/fuse/observability/request';

export const dynamic = 'force-dynamic';

/** Browser errors (window.onerror, unhandled rejections, error boundaries): validated, limited, grouped. */
export async function POST(request: Request) {
  const h = await headers();
  if (!allowIngest('errors', clientKey(h), 30)) return json({ error: 'Too many error reports.' }, { status: 429 });
  const body = await readBeacon(request, 16 * 1024);
  if (!body.ok) return json({ error: body.error }, { status: body.status });
  const parsed = browserErrorInput.safeParse(body.value);
  if (!parsed.success) return json({ error: 'Invalid error report.' }, { status: 400 });
  const e = parsed.data;
  const fingerprint = await captureError({
    source: 'browser',
    name: e.name ?? 'Error',
    message: e.message,
    stack: e.stack,
    path: e.page,
    requestId: requestIdFrom(h),
  });
  return json({ fingerprint }, { status: 202 });
}
