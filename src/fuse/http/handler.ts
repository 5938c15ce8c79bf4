import 'server-only';
import { cookies } from 'next/headers';
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { assertCan, type Action } from '@/fuse/auth/permissions';
import { databaseUnavailable, getDb, type Database } from '@/fuse/db/client';
import { crossSiteRefusal, isMutationMethod } from '@/fuse/security/origin';
import { checkRequestRate, requestIdentity, TOO_MANY_REQUESTS, type RequestIdentity } from '@/fuse/security/request-policy';
import { config } from '@/fuse/config';
import { sessionCookieWrites } from '@/fuse/session/cookie';
import { sessionFromCookies, type SessionOutcome } from '@/fuse/session/refresh';
import { recheckSession } from '@/fuse/session/revocation';
import type { Logger } from 'pino';
import { captureServerError } from '@/fuse/observability/errors';
import { logger } from '@/fuse/observability/logger';
import { rateLimitedTotal, recordRequest, recordSessionRead, routeLabel } from '@/fuse/observability/metrics';
import { loggerFor } from '@/fuse/observability/request';
import { ForbiddenError, UnauthorizedError } from '@/fuse/session/errors';
import type { Session } from '@/fuse/session/token';
import { idempotencyKeyOf, idempotent, requestHash } from '@/fuse/live/idempotency';
import { ConflictError, NotFoundError, PaymentRequiredError, ValidationError } from './errors';

export const PRIVATE_NO_STORE = { 'Cache-Control': 'private, no-store' };

export function json(body: unknown, init: ResponseInit = {}): NextResponse {
  const headers = new Headers(init.headers);
  if (!headers.has('Cache-Control')) headers.set('Cache-Control', PRIVATE_NO_STORE['Cache-Control']);
  return NextResponse.json(body, { ...init, headers });
}

/** Maps the errors the data layer throws to HTTP answers; anything else is a logged, captured 500. */
export function errorResponse(err: unknown, request?: Request, log: Logger = logger): NextResponse {
  if (err instanceof ValidationError) return json({ error: err.message, fields: err.fields }, { status: 400 });
  if (err instanceof UnauthorizedError) return json({ error: err.message }, { status: 401 });
  if (err instanceof ForbiddenError) return json({ error: err.message }, { status: 403 });
  if (err instanceof NotFoundError) return json({ error: err.message }, { status: 404 });
  if (err instanceof ConflictError) return json({ error: err.message }, { status: 409 });
  if (err instanceof PaymentRequiredError) return json({ error: err.message, limit: err.limit, upgradeUrl: err.upgradeUrl }, { status: 402 });
  // A database that does not answer in time (or at all) is a 503 with Retry-After below, not a 500.
  const unavailable = databaseUnavailable(err);
  if (unavailable) {
    // Logged (with the request id) but not captured per request: an outage would flood the error
    // tracker; /api/ready, the pool's error log and the metrics already say the database is down.
    log.warn({ err: unavailable.cause ?? unavailable }, 'database unavailable: answered 503');
    err = unavailable;
  }
  const status = (err as { status?: number })?.status;
  if (typeof status === 'number' && ((status >= 400 && status < 500) || status === 503)) {
    // Rate-limit errors carry Retry-After / RateLimit-* headers.
    const headers = (err as { headers?: Record<string, string> }).headers;
    if (status === 429) rateLimitedTotal.inc({ scope: 'auth' });
    return json({ error: (err as Error).message }, { status, headers });
  }
  log.error({ err }, 'unhandled error in route handler');
  // Caught here, so Next's onRequestError never sees it: capture it (errors table, Sentry) now.
  void captureServerError(err, {
    path: request ? new URL(request.url).pathname : null,
    method: request?.method ?? null,
    requestId: request ? apiRequestIdentity(request).requestId : null,
  });
  return json({ error: 'Something went wrong.' }, { status: 500 });
}

const MAX_JSON_BYTES = 1024 * 1024;
/** Far deeper than any form or API body; deeper input would overflow the stack of recursive readers (hashing, validation). */
export const MAX_JSON_DEPTH = 32;

/** How deeply arrays and objects nest in JSON text, counted without parsing (strings skipped). */
function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/** Reads a JSON body: too large is a 413, not JSON or nested deeper than MAX_JSON_DEPTH is a 400. */
export async function readJson(request: Request): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > MAX_JSON_BYTES) throw Object.assign(new Error('Request body too large.'), { status: 413 });
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_JSON_BYTES) throw Object.assign(new Error('Request body too large.'), { status: 413 });
  if (jsonDepth(text) > MAX_JSON_DEPTH) {
    throw new ValidationError({ body: `The request body nests deeper than ${MAX_JSON_DEPTH} levels.` }, 'The request body is nested too deeply.');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ValidationError({ body: 'The request body is not valid JSON.' }, 'The request body is not valid JSON.');
  }
}

/** Reads a raw body (a signed webhook's exact bytes) up to `maxBytes`; past that a 413, without reading the rest. */
export async function readBody(request: Request, maxBytes: number): Promise<Buffer> {
  const tooLarge = () => Object.assign(new Error('Request body too large.'), { status: 413 });
  if (Number(request.headers.get('content-length') ?? 0) > maxBytes) throw tooLarge();
  if (!request.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

/**
 * Routes whose answer to a write sets (or clears) the session cookie itself: sign-out, password
 * change, business switch, theme, account deletion, "this wasn't me", ending a session. A refreshed
 * cookie on the same response would be a second Set-Cookie for the same name, and the one the
 * browser keeps could be the stale one (a password change would then sign this device out).
 */
const SESSION_WRITING_ROUTES = [
  '/api/auth/sign-in',
  '/api/auth/sign-up',
  '/api/auth/sign-out',
  '/api/auth/sign-out-everywhere',
  '/api/auth/password',
  '/api/business/switch',
  '/api/settings',
  '/api/team/invites/accept',
  '/api/auth/password-reset/confirm',
  '/api/account',
  '/api/account/email/revert',
  '/api/auth/sessions/[id]',
].map((route) => new RegExp(`^${route.replace(/\[[^\]]+\]/g, '[^/]+')}$`));

function writesSessionCookie(request: Request): boolean {
  if (!isMutationMethod(request.method)) return false;
  const { pathname } = new URL(request.url);
  return SESSION_WRITING_ROUTES.some((route) => route.test(pathname));
}

const identities = new WeakMap<Request, RequestIdentity>();

/** The request id and client address of an API request (`requestIdentity`), decided once per request. */
export function apiRequestIdentity(request: Request): RequestIdentity {
  let identity = identities.get(request);
  if (!identity) identities.set(request, (identity = requestIdentity(request.headers, config())));
  return identity;
}

const HSTS = 'max-age=63072000; includeSubDomains; preload';

/** The response itself when its headers can be changed, else a copy (a `Response.redirect` is immutable). */
function withHeader(response: Response, name: string, value: string): Response {
  try {
    response.headers.set(name, value);
    return response;
  } catch {
    const copy = new Response(response.body, response);
    copy.headers.set(name, value);
    return copy;
  }
}

/**
 * The API's request policy, run by the wrapper of every route handler. The page policy
 * (src/fuse/http/page-policy.ts) covers pages only: Next running a proxy in front of a route handler
 * cost more CPU than the handler's own work (docs/scaling.md). Per request: the request id and the client address (X-*
 * headers believed only from TRUSTED_PROXIES), the per-IP rate limit (a 429 before anything else
 * runs), and on the answer the request id, the limit's headers and HSTS over HTTPS. The static
 * security headers and the API's Content-Security-Policy come from next.config.ts for every /api/
 * answer, a 404 or a 405 included.
 */
async function underApiPolicy(
  request: Request,
  budget: 'general' | 'webhook',
  run: (identity: RequestIdentity) => Promise<Response>,
): Promise<Response> {
  const identity = apiRequestIdentity(request);
  const { allowed, headers: limitHeaders } = await checkRequestRate(identity.ip, budget);
  const answer = allowed ? await run(identity) : json({ error: TOO_MANY_REQUESTS }, { status: 429, headers: { 'Cache-Control': 'no-store' } });
  const response = withHeader(answer, 'X-Request-Id', identity.requestId);
  if (identity.https) response.headers.set('Strict-Transport-Security', HSTS);
  for (const [k, v] of Object.entries(limitHeaders)) response.headers.set(k, v);
  return response;
}

const CROSS_SITE = 'Cross-site requests cannot change data.';

/**
 * A route with its own answers (health, readiness, metrics, beacons, cron) under the API's request
 * policy: the rate limit, the request id, and the cross-site refusal for writes.
 */
export function apiRoute<A extends unknown[]>(handler: (request: Request, ...rest: A) => Response | Promise<Response>) {
  return (request: Request, ...rest: A): Promise<Response> =>
    underApiPolicy(request, 'general', async () => {
      if (crossSiteRefusal(request)) return json({ error: CROSS_SITE }, { status: 403 });
      return handler(request, ...rest);
    });
}

type Context<P> = { params: Promise<P> };

/** Request duration by route pattern (ids folded), method and status. */
function observe(request: Request, response: Response, start: number): void {
  recordRequest(routeLabel(new URL(request.url).pathname), request.method, response.status, (performance.now() - start) / 1000);
}

type SessionArgs<P, B> = {
  request: Request;
  session: Session;
  db: Database;
  params: P;
  /** The JSON body (with `body` set), checked against its schema; the data layer parses it again. */
  body: B;
  /** The browser's id of an optimistic change (`x-mutation-id`), echoed on its live change. */
  mutationId: string | null;
};

type SessionOptions<PS extends z.ZodType | undefined, BS extends z.ZodType | undefined> = {
  /** The route's path parameters; ones that do not parse are a 404 with the schema's message. */
  params?: PS;
  /** The body's schema: a bad body is a 400 before any transaction or idempotency key. */
  body?: BS;
  /** The table's action the route needs (src/fuse/auth/permissions.ts); the data layer asserts it again. */
  permission?: Action;
  /** A create: a retry with the same Idempotency-Key (or x-mutation-id) returns the first answer. */
  idempotent?: boolean;
  /** A read that also checks the session against the database (a bulk export), as mutations do. */
  recheck?: boolean;
  /** The status of a value the handler returns (200; a create says 201). */
  status?: number;
  /** After a create committed (not on a replay): caches to refresh. */
  afterCreate?: () => void;
};

type Out<S, Fallback> = S extends z.ZodType ? z.output<S> : Fallback;

/**
 * One wrapper for every signed-in route handler: refuses cross-site mutations, verifies the session
 * (never trusting the proxy) and re-checks it against the database on mutations, checks the
 * permission, parses params and body, runs creates idempotently, records metrics and maps errors.
 * The handler receives the scope, never reads it from the body, and returns a Response or a value
 * sent as JSON.
 */
type RouteHandler = (request: Request, context: Context<Record<string, string>>) => Promise<Response>;
type SessionHandler<PS, BS> = (args: SessionArgs<Out<PS, Record<string, never>>, Out<BS, undefined>>) => Promise<unknown>;

export function withSession(handler: SessionHandler<undefined, undefined>): RouteHandler;
export function withSession<PS extends z.ZodType | undefined = undefined, BS extends z.ZodType | undefined = undefined>(
  options: SessionOptions<PS, BS>,
  handler: SessionHandler<PS, BS>,
): RouteHandler;
export function withSession<PS extends z.ZodType | undefined, BS extends z.ZodType | undefined>(
  first: SessionOptions<PS, BS> | SessionHandler<PS, BS>,
  second?: SessionHandler<PS, BS>,
): RouteHandler {
  const options: SessionOptions<PS, BS> = typeof first === 'function' ? {} : first;
  const handler = (typeof first === 'function' ? first : second)!;
  return (request, context) =>
    underApiPolicy(request, 'general', async (identity) => {
      const start = performance.now();
      // The request's logger is made only when an error is logged: a child logger per request is not free.
      let logFields: Parameters<typeof loggerFor>[0] = { requestId: identity.requestId };
      // The cookie is verified once here and the session handed on; an old one is refreshed (a new
      // expiry, checked against the database) unless the route sets the cookie itself.
      const routeWritesCookie = writesSessionCookie(request);
      let outcome: SessionOutcome = { session: null, token: null, revoked: false };
      let response: Response;
      try {
        if (crossSiteRefusal(request)) throw new ForbiddenError(CROSS_SITE);
        outcome = await sessionFromCookies(await cookies(), identity.https, config().session.refreshSeconds, !routeWritesCookie);
        let session = outcome.session;
        recordSessionRead((performance.now() - start) / 1000, session !== null);
        if (!session) throw new UnauthorizedError();
        logFields = { ...logFields, userId: session.userId, businessId: session.businessId };
        const db = getDb();
        // A mutation checks the cookie against the database: session version and session row
        // (revocation, absolute end) and the current rank (a demoted user cannot act with an old
        // cookie), in one primary-key query.
        if (isMutationMethod(request.method) || options.recheck) {
          session = await recheckSession(db, session);
          if (!session) throw new UnauthorizedError('Your session has ended. Sign in again.');
        }
        // A malformed id is "not found" whoever asks; then the permission, then the body.
        const params = parseParams(options.params, await context.params) as Out<PS, Record<string, never>>;
        if (options.permission) assertCan(session, options.permission);
        const raw = options.body ? await readJson(request) : undefined;
        if (options.body) {
          const checked = options.body.safeParse(raw);
          if (!checked.success) throw ValidationError.fromZod(checked.error);
        }
        const mutationId = request.headers.get('x-mutation-id');
        const args = { request, session, params, body: raw as Out<BS, undefined>, mutationId };
        const status = options.status ?? 200;
        if (options.idempotent) {
          const { pathname } = new URL(request.url);
          const result = await idempotent(
            db,
            { businessId: session.businessId, key: idempotencyKeyOf(request), hash: requestHash(request.method, pathname, raw) },
            async (tx) => ({ status, body: await handler({ ...args, db: tx }) }),
          );
          if (!result.replayed) options.afterCreate?.();
          response = json(result.body, { status: result.status, headers: result.replayed ? { 'Idempotent-Replayed': 'true' } : {} });
        } else {
          const result = await handler({ ...args, db });
          response = result instanceof Response ? result : json(result, { status });
        }
      } catch (err) {
        response = errorResponse(err, request, loggerFor(logFields));
      }
      observe(request, response, start);
      if (!routeWritesCookie && (outcome.token || outcome.revoked)) {
        const writes = sessionCookieWrites({ token: outcome.token, cleared: outcome.revoked }, identity.https);
        const withCookies = response instanceof NextResponse ? response : new NextResponse(response.body, response);
        for (const { name, value, options: cookie } of writes) withCookies.cookies.set(name, value, cookie);
        return withCookies;
      }
      return response;
    });
}

/** Path parameters through their schema; any that do not parse are "not found", like a missing record. */
function parseParams<PS extends z.ZodType | undefined>(schema: PS, raw: Record<string, string>): Out<PS, Record<string, never>> {
  if (!schema) return {} as Out<PS, Record<string, never>>;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new NotFoundError(parsed.error.issues[0]?.message ?? 'Not found.');
  return parsed.data as Out<PS, Record<string, never>>;
}

/**
 * A route without a session. `fromOtherSites`: a server-to-server endpoint that proves itself
 * otherwise (a signed webhook), so the cross-site refusal does not apply.
 */
export function publicHandler<P = Record<string, never>>(
  handler: (args: { request: Request; db: Database; params: P }) => Promise<Response>,
  options: { fromOtherSites?: boolean } = {},
) {
  return (request: Request, context: Context<P>): Promise<Response> =>
    // A server-to-server endpoint has a rate budget of its own.
    underApiPolicy(request, options.fromOtherSites ? 'webhook' : 'general', async (identity) => {
      const start = performance.now();
      let response: Response;
      try {
        if (!options.fromOtherSites && crossSiteRefusal(request)) throw new ForbiddenError(CROSS_SITE);
        response = await handler({ request, db: getDb(), params: await context.params });
      } catch (err) {
        response = errorResponse(err, request, loggerFor({ requestId: identity.requestId }));
      }
      observe(request, response, start);
      return response;
    });
}
