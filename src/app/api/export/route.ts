import { exportBusinessData } from '@/fuse/backup/export';
import { NotFoundError } from '@/fuse/http/errors';
import { withSession } from '@/fuse/http/handler';

/**
 * GET /api/export: the signed-in captain's business as a JSON download. The business is the
 * session's; asking for another one (?business=<id>) is a 404, exactly like a business that does not exist.
 */
export const GET = withSession(
  // The whole business in one answer: checked against the database too, like a mutation.
  { permission: 'data.export', recheck: true },
  async ({ request, session }) => {
    const asked = new URL(request.url).searchParams.get('business');
    if (asked !== null && asked !== session.businessId) throw new NotFoundError();
    const { filename, stream } = await exportBusinessData(session);
    return new Response(stream, {
      headers: {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Disposition': `attachment; filename="${filename}"`,
        'Cache-Control': 'private, no-store',
        'X-Content-Type-Options': 'nosniff',
      },
    });
  },
);
