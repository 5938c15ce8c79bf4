import 'server-only';
import type { Logger } from 'pino';
import { logger } from './logger';

/** Header the page policy and the API wrapper set on every request (and echo in the response). */
export const REQUEST_ID_HEADER = 'x-request-id';

type HeaderReader = { get(name: string): string | null };

/** The request id the request policy assigned, or null where none ran. */
export function requestIdFrom(h: HeaderReader): string | null {
  const id = h.get(REQUEST_ID_HEADER);
  // The request policy validates it; this only guards against oversized values reaching every log line.
  return id && id.length <= 128 ? id : null;
}

/** A child logger carrying the request id, and the user and business when known. */
export function loggerFor(fields: { requestId?: string | null; userId?: string | null; businessId?: string | null }, base: Logger = logger): Logger {
  const bindings: Record<string, string> = {};
  if (fields.requestId) bindings.requestId = fields.requestId;
  if (fields.userId) bindings.userId = fields.userId;
  if (fields.businessId) bindings.businessId = fields.businessId;
  return base.child(bindings);
}
