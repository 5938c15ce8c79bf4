import { config } from '@/fuse/config';
import { json, withSession } from '@/fuse/http/handler';
import {
  BAD_RESUME_POSITION,
  LIVE_STREAM_HEADERS,
  liveStreamFor,
  resumePosition,
  SHUTTING_DOWN,
  streamLimitReached,
  tooManyStreams,
} from '@/fuse/live/server';

export const dynamic = 'force-dynamic';

/**
 * The live stream of the signed-in business (server-sent events). Resumes after `Last-Event-ID`
 * or `?after=<outbox id>`; without either it starts from now. On `next start` / `next dev` the Node
 * server answers this path before Next (src/fuse/live/node-transport.ts, for fan-out speed); this
 * handler serves hosts without that hook, with the same behaviour.
 */
export const GET = withSession(async ({ request, session }) => {
  const after = resumePosition(request);
  if (after === undefined) return json({ error: BAD_RESUME_POSITION }, { status: 400 });
  if (streamLimitReached(session.userId)) {
    return json({ error: tooManyStreams(config().live.maxStreamsPerUser) }, { status: 429, headers: { 'Retry-After': '30' } });
  }
  const stream = liveStreamFor(session, after, request.signal);
  if (!stream) return json({ error: SHUTTING_DOWN }, { status: 503, headers: { 'Retry-After': '1' } });
  return new Response(stream, { headers: LIVE_STREAM_HEADERS });
});
