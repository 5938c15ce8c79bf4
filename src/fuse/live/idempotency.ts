import 'server-only';
import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '@/fuse/db/client';
import { timed } from '@/fuse/db/timed';
import { ValidationError } from '@/fuse/http/errors';
import { idempotencyKeys } from './schema';

/** The same key sent with a different request: a 422, nothing written. */
export class IdempotencyMismatchError extends Error {
  readonly status = 422;
  constructor() {
    super('This Idempotency-Key was already used with a different request.');
    this.name = 'IdempotencyMismatchError';
  }
}

export type IdempotentResult<T> = { status: number; body: T; replayed: boolean };

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** The request's idempotency key: `Idempotency-Key`, else the client mutation id (`x-mutation-id`). */
export function idempotencyKeyOf(request: Request): string | null {
  const key = request.headers.get('idempotency-key') ?? request.headers.get('x-mutation-id');
  if (key === null || key === '') return null;
  if (!KEY_PATTERN.test(key)) {
    throw new ValidationError({ 'Idempotency-Key': 'Must be 1 to 255 visible ASCII characters.' }, 'Invalid Idempotency-Key.');
  }
  return key;
}

/** JSON with sorted keys, so `{a,b}` and `{b,a}` are the same request. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${path}\n${canonical(body)}`)
    .digest('base64url');
}

/**
 * Runs a create at most once per (business, key). The key row is inserted first, in the same
 * transaction as the create, and holds the response: a retry gets that response; a concurrent
 * duplicate waits on the uncommitted key row and then reads it; a failed create rolls the key back
 * with everything else, so the request can be retried. `run` receives the transaction as its
 * database (the mutation's own transaction becomes a savepoint inside it).
 */
export async function idempotent<T>(
  db: Database,
  input: { businessId: string; key: string | null; hash: string },
  run: (db: Database) => Promise<{ status: number; body: T }>,
): Promise<IdempotentResult<T>> {
  const { businessId, key, hash } = input;
  if (key === null) return { ...(await run(db)), replayed: false };
  return timed('idempotency.run', () =>
    db.transaction(async (tx) => {
      const inserted = await tx
        .insert(idempotencyKeys)
        .values({ businessId, key, requestHash: hash, status: 0 })
        .onConflictDoNothing()
        .returning({ key: idempotencyKeys.key });
      if (inserted.length === 0) {
        const [row] = await tx
          .select()
          .from(idempotencyKeys)
          .where(and(eq(idempotencyKeys.businessId, businessId), eq(idempotencyKeys.key, key)));
        if (!row || row.requestHash !== hash) throw new IdempotencyMismatchError();
        return { status: row.status, body: row.response as T, replayed: true };
      }
      // A transaction is a database for the mutation's purposes (it nests as a savepoint).
      const result = await run(tx as unknown as Database);
      await tx
        .update(idempotencyKeys)
        .set({ status: result.status, response: sql`${JSON.stringify(result.body ?? null)}::jsonb` })
        .where(and(eq(idempotencyKeys.businessId, businessId), eq(idempotencyKeys.key, key)));
      return { ...result, replayed: false };
    }),
  );
}
