import { z } from 'zod';

/**
 * A positive integer id in a path (`/api/clients/42`); anything else is "not found" with this
 * message, exactly like a missing record. Browser-safe: validators import it.
 */
export function idParam(notFound: string) {
  return z.coerce.number({ error: notFound }).int(notFound).positive(notFound).max(Number.MAX_SAFE_INTEGER, notFound);
}
