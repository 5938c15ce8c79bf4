import { json, withSession } from '@/fuse/http/handler';
import { liveStreamFor, resumePosition } from '@/fuse/live/server';

export const dynamic = 'force-dynamic';

/**
 * The live stream of the signed-in business (server-sent events). Resumes after `Last-Event-ID`
 * or `?after=<outbox id>`; without either it starts from now. On `next start` / `next dev` the Node
 * server answers this path before Next (src/fuse/live/node-transport.ts, for fan-out speed); this
 * handler serves hosts without that hook, with the same behaviour.
 */
export const GET = withSession(async ({ request, session }) => {
  const after = resumePosition(request);
  if (after === undefined) return json({ error: 'after / Last-Event-ID must be an outbox id.' }, { status: 400 });
  const stream = liveStreamFor(session.businessId, after, request.signal);
  if (!stream) return json({ error: 'The server is shutting down.' }, { status: 503, headers: { 'Retry-After': '1' } });
  return new Response(stream, {
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      // no-transform: the server's gzip would otherwise buffer the stream.
      'Cache-Control': 'no-store, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    },
  });
});
