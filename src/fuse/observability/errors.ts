import 'server-only';
import { sql } from 'drizzle-orm';
import { config } from '@/fuse/config';
import { getDb, type Database } from '@/fuse/db/client';
import { timed } from '@/fuse/db/timed';
import { logger } from './logger';
import { metrics } from './metrics';
import { errorGroups } from './schema';
import { fingerprintOf, safeError, scrubText, truncate } from './scrub';
import { sendToSentry } from './sentry';

export type CapturedError = {
  source: 'server' | 'browser';
  name: string;
  message: string;
  stack?: string | null;
  /** Route or page path, without the query string. */
  path?: string | null;
  method?: string | null;
  requestId?: string | null;
};

const MAX_MESSAGE = 1_000;
const MAX_STACK = 4_000;

/** The stored and forwarded form of an error: scrubbed, bounded, fingerprinted. */
export function prepareError(input: CapturedError): CapturedError & { fingerprint: string } {
  const name = truncate(scrubText(input.name || 'Error'), 120);
  const message = truncate(scrubText(input.message || '(no message)'), MAX_MESSAGE);
  const stack = input.stack ? truncate(scrubText(input.stack), MAX_STACK) : null;
  const path = input.path ? truncate(scrubText(input.path.split('?')[0]!), 300) : null;
  return { ...input, name, message, stack, path, fingerprint: fingerprintOf({ source: input.source, name, message, stack }) };
}

/** Adds one occurrence to the error's group (created on first sight). */
export async function storeError(db: Database, error: CapturedError & { fingerprint: string }): Promise<void> {
  await timed('observability.storeError', () =>
    db
      .insert(errorGroups)
      .values({
        fingerprint: error.fingerprint,
        source: error.source,
        name: error.name,
        message: error.message,
        stack: error.stack ?? null,
        path: error.path ?? null,
      })
      .onConflictDoUpdate({
        target: errorGroups.fingerprint,
        set: {
          count: sql`${errorGroups.count} + 1`,
          lastSeen: sql`now()`,
          message: sql`excluded.message`,
          stack: sql`excluded.stack`,
          path: sql`excluded.path`,
        },
      }),
  );
}

/**
 * Captures one error: a log line, the errors table (grouped by fingerprint) and Sentry when
 * SENTRY_DSN is set (and `toSentry`, when given, agrees). Never throws: a failing store or Sentry is
 * logged and the rest still happens.
 */
export async function captureError(
  input: CapturedError,
  options: { db?: Database; toSentry?: (fingerprint: string) => boolean } = {},
): Promise<string> {
  const error = prepareError(input);
  metrics.errorsTotal.inc({ source: error.source });
  logger.error(
    {
      fingerprint: error.fingerprint,
      source: error.source,
      path: error.path,
      requestId: error.requestId ?? undefined,
      err: { name: error.name, message: error.message, stack: error.stack },
    },
    `${error.source} error captured`,
  );
  const tasks: Promise<unknown>[] = [];
  tasks.push(
    Promise.resolve()
      .then(() => storeError(options.db ?? getDb(), error))
      .catch((err: unknown) => logger.warn({ err, fingerprint: error.fingerprint }, 'could not store the captured error')),
  );
  const dsn = config().sentryDsn;
  if (dsn && (options.toSentry?.(error.fingerprint) ?? true)) {
    tasks.push(
      sendToSentry(dsn, { ...error, environment: config().env })
        .then((ok) => {
          if (!ok) logger.warn({ fingerprint: error.fingerprint }, 'Sentry did not accept the error event');
        })
        .catch((err: unknown) => logger.warn({ err, fingerprint: error.fingerprint }, 'could not forward the error to Sentry')),
    );
  }
  await Promise.all(tasks);
  return error.fingerprint;
}

// One thrown error can reach more than one hook (route wrapper, onRequestError for both the RSC and
// the HTML render); it is captured once.
const seen = new WeakSet<object>();
const seenDigests = new Set<string>();

/** Captures an error thrown on the server, once per error object (or Next's digest). */
export async function captureServerError(
  err: unknown,
  context: { path?: string | null; method?: string | null; requestId?: string | null } = {},
  options: { db?: Database } = {},
): Promise<string | null> {
  if (err && typeof err === 'object') {
    if (seen.has(err)) return null;
    seen.add(err);
    const digest = (err as { digest?: unknown }).digest;
    if (typeof digest === 'string') {
      if (seenDigests.has(digest)) return null;
      seenDigests.add(digest);
      if (seenDigests.size > 1_000) seenDigests.clear();
    }
  }
  // Only the safe part: a database error's parameters never reach the errors table or Sentry.
  const e = safeError(err);
  return captureError({ source: 'server', name: e.name, message: e.message, stack: e.stack, ...context }, options);
}
