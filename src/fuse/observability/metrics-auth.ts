import 'server-only';
import { timingSafeEqual } from 'node:crypto';
import { can } from '@/fuse/auth/permissions';
import { config } from '@/fuse/config';
import { getSession } from '@/fuse/session/server';

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** /api/metrics is readable with `Authorization: Bearer $METRICS_TOKEN` or an admiral's session. */
export async function canReadMetrics(request: Request): Promise<boolean> {
  const token = config().metricsToken;
  const auth = request.headers.get('authorization');
  if (token && auth?.startsWith('Bearer ') && sameSecret(auth.slice(7).trim(), token)) return true;
  const session = await getSession();
  return session !== null && can(session.rank, 'admin.read');
}
