import { apiRoute, json } from '@/fuse/http/handler';

export const dynamic = 'force-dynamic';

/**
 * Any `/api/…` path no route answers: a JSON 404 under the API's request policy (rate limit, request
 * id, headers), not the HTML not-found page. Next matches every named route before this one.
 */
const notFound = apiRoute(async () => json({ error: 'Not found.' }, { status: 404 }));

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
