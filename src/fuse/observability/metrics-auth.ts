import 'server-only';
import { can } from '@/fuse/auth/permissions';
import { config } from '@/fuse/config';
import { bearerMatches } from '@/fuse/security/bearer';
import { getSession } from '@/fuse/session/server';

/** /api/metrics is readable with `Authorization: Bearer $METRICS_TOKEN` or an admiral's session. */
export async function canReadMetrics(request: Request): Promise<boolean> {
  if (bearerMatches(request.headers.get('authorization'), config().metricsToken)) return true;
  const session = await getSession();
  return session !== null && can(session.rank, 'admin.read');
}
