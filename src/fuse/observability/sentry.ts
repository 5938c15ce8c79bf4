import {
  createEventEnvelope,
  getEnvelopeEndpointWithUrlEncodedAuth,
  makeDsn,
  serializeEnvelope,
  uuid4,
  type DsnComponents,
  type Event,
} from '@sentry/core';

/**
 * Forwards captured errors to Sentry's envelope ingest API. This uses `@sentry/core` (the envelope,
 * DSN and endpoint code every Sentry SDK shares) instead of `@sentry/nextjs`: the Next.js SDK pulls
 * in Rollup, bundler plugins and OpenTelemetry instrumentation that patches modules at start and
 * adds to every build, and it captures and enriches events on its own, while FUSE already captures
 * each error once (onRequestError, the route wrapper, /api/errors) and must control exactly what
 * leaves the process: the fingerprint, a scrubbed message, and no headers, cookies or bodies.
 */
export type SentryError = {
  fingerprint: string;
  source: 'server' | 'browser';
  name: string;
  message: string;
  stack?: string | null;
  path?: string | null;
  method?: string | null;
  requestId?: string | null;
  environment?: string;
};

const dsnCache = new Map<string, DsnComponents | null>();

function parseDsn(dsn: string): DsnComponents | null {
  if (!dsnCache.has(dsn)) dsnCache.set(dsn, makeDsn(dsn) ?? null);
  return dsnCache.get(dsn)!;
}

export function sentryEvent(error: SentryError): Event {
  return {
    event_id: uuid4(),
    timestamp: Date.now() / 1000,
    platform: error.source === 'browser' ? 'javascript' : 'node',
    level: 'error',
    environment: error.environment ?? process.env.NODE_ENV ?? 'production',
    fingerprint: [error.fingerprint],
    exception: { values: [{ type: error.name, value: error.message }] },
    tags: { source: error.source, fingerprint: error.fingerprint, ...(error.requestId ? { request_id: error.requestId } : {}) },
    // Only the path and method: never headers, cookies, query strings or bodies.
    ...(error.path ? { transaction: error.path, request: { url: error.path, method: error.method ?? undefined } } : {}),
    ...(error.stack ? { extra: { stack: error.stack } } : {}),
  };
}

/** Sends one event; resolves false when the DSN is invalid or Sentry did not accept it. */
export async function sendToSentry(dsnString: string, error: SentryError, timeoutMs = 3_000): Promise<boolean> {
  const dsn = parseDsn(dsnString);
  if (!dsn) return false;
  const envelope = createEventEnvelope(sentryEvent(error), dsn);
  const res = await fetch(getEnvelopeEndpointWithUrlEncodedAuth(dsn), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-sentry-envelope' },
    body: serializeEnvelope(envelope) as string,
    signal: AbortSignal.timeout(timeoutMs),
  });
  return res.ok;
}
