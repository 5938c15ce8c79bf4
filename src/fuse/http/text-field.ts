import { z } from 'zod';

export const NUL_MESSAGE = 'Remove the NUL character (\\u0000): it cannot be stored.';

/**
 * Every text input starts here: a string without a NUL character. PostgreSQL text cannot hold one,
 * so it would otherwise fail as a database error (a 500) instead of a 400 naming the field.
 */
export function textField(params?: Parameters<typeof z.string>[0]) {
  return z.string(params).refine((s) => !s.includes('\u0000'), NUL_MESSAGE);
}
