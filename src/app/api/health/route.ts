import { apiRoute } from '@/fuse/http/handler';
export const dynamic = 'force-dynamic';

/** Liveness: the process answers. No dependency is checked (that is /api/ready). */
export const GET = apiRoute(() => {
  return Response.json({ status: 'ok' }, { headers: { 'Cache-Control': 'no-store' } });
});
