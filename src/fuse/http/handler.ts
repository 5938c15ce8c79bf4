import 'server-only';
import { NextResponse } from 'next/server';
import { rankAtLeast, type Rank } from '@/fuse/auth/schema-types';
import { getDb, type Database } from '@/fuse/db/client';
import { logger } from '@/fuse/observability/logger';
import { ForbiddenError, UnauthorizedError } from '@/fuse/session/errors';
import { getSession } from '@/fuse/session/server';
import type { Session } from '@/fuse/session/token';
import { ConflictError, NotFoundError, ValidationError } from './errors';

export const PRIVATE_NO_STORE = { 'Cache-Control': 'private, no-store' };

export function json(body: unknown, init: ResponseInit = {}): NextResponse {
  const headers = new Headers(init.headers);
  if (!headers.has('Cache-Control')) headers.set('Cache-Control', PRIVATE_NO_STORE['Cache-Control']);
  return NextResponse.json(body, { ...init, headers });
}

/** Maps the errors the data layer throws to HTTP answers; anything else is a logged 500. */
export function errorResponse(err: unknown): NextResponse {
  if (err instanceof ValidationError) return json({ error: err.message, fields: err.fields }, { status: 400 });
  if (err instanceof UnauthorizedError) return json({ error: err.message }, { status: 401 });
  if (err instanceof ForbiddenError) return json({ error: err.message }, { status: 403 });
  if (err instanceof NotFoundError) return json({ error: err.message }, { status: 404 });
  if (err instanceof ConflictError) return json({ error: err.message }, { status: 409 });
  const status = (err as { status?: number })?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return json({ error: (err as Error).message }, { status });
  }
  logger.error({ err }, 'unhandled error in route handler');
  return json({ error: 'Something went wrong.' }, { status: 500 });
}

const MAX_JSON_BYTES = 1024 * 1024;

/** Reads a JSON body: too large is a 413, not JSON is a 400. */
export async function readJson(request: Request): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > MAX_JSON_BYTES) throw Object.assign(new Error('Request body too large.'), { status: 413 });
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_JSON_BYTES) throw Object.assign(new Error('Request body too large.'), { status: 413 });
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ValidationError({ body: 'The request body is not valid JSON.' }, 'The request body is not valid JSON.');
  }
}

type Context<P> = { params: Promise<P> };
type SessionHandler<P> = (args: { request: Request; session: Session; db: Database; params: P }) => Promise<Response>;

/**
 * One wrapper for every signed-in route handler: verifies the session (never trusting the proxy),
 * checks the rank and maps errors. The handler receives the scope, never reads it from the body.
 */
export function withSession<P = Record<string, never>>(handler: SessionHandler<P>, options: { minimumRank?: Rank } = {}) {
  return async (request: Request, context: Context<P>): Promise<Response> => {
    try {
      const session = await getSession();
      if (!session) throw new UnauthorizedError();
      if (!rankAtLeast(session.rank, options.minimumRank ?? 'crew')) throw new ForbiddenError();
      return await handler({ request, session, db: getDb(), params: await context.params });
    } catch (err) {
      return errorResponse(err);
    }
  };
}

export function publicHandler<P = Record<string, never>>(
  handler: (args: { request: Request; db: Database; params: P }) => Promise<Response>,
) {
  return async (request: Request, context: Context<P>): Promise<Response> => {
    try {
      return await handler({ request, db: getDb(), params: await context.params });
    } catch (err) {
      return errorResponse(err);
    }
  };
}
