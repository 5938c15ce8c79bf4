import { z } from 'zod';
import { textField } from './text-field';

/**
 * A positive integer id in a path (`/api/clients/42`); anything else is "not found" with this
 * message, exactly like a missing record. Browser-safe: validators import it.
 */
export function idParam(notFound: string) {
  return z.coerce.number({ error: notFound }).int(notFound).positive(notFound).max(Number.MAX_SAFE_INTEGER, notFound);
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** The paging fields of every list's query string: an opaque cursor, and a page size (50 by default, 200 at most). */
export const pageParams = {
  cursor: textField()
    .max(256)
    .optional()
    .transform((v) => v || undefined),
  limit: z.coerce
    .number({ error: 'Limit is a number.' })
    .int('Limit is a whole number.')
    .min(1, 'Limit is at least 1.')
    .max(MAX_PAGE_SIZE, `Limit is at most ${MAX_PAGE_SIZE}.`)
    .default(DEFAULT_PAGE_SIZE),
};

/** A page's query parameter as one string of at most 200 characters ('' when absent, repeated or longer). */
export function firstParam(value: string | string[] | undefined): string {
  return typeof value === 'string' && value.length <= 200 ? value : '';
}
