import 'server-only';
import type { z } from 'zod';
import { assertCan, type Action } from '@/fuse/auth/permissions';
import type { Database } from '@/fuse/db/client';
import { pgErrorCode } from '@/fuse/db/pg-error';
import { timed } from '@/fuse/db/timed';
import { ValidationError } from '@/fuse/http/errors';
import { recordChange, type ChangeInput, type Transaction } from '@/fuse/live/outbox';
import type { Session } from '@/fuse/session/token';

/** The slice of a session a mutation needs. It always comes from the verified server session. */
export type MutationScope = Pick<Session, 'businessId' | 'rank' | 'userId'>;

/** `mutationId`: the browser's id of an optimistic change, echoed on its live change. */
export type MutationOptions = { mutationId?: string | null };

/** A change of this mutation's business: what `publish` records, with the business and mutation id filled in. */
export type PublishedChange = ChangeInput extends infer C ? (C extends ChangeInput ? Omit<C, 'businessId' | 'mutationId'> : never) : never;

export type MutationContext<I> = {
  scope: MutationScope;
  input: I;
  /** Records a live change in this mutation's transaction (delivered once it commits). */
  publish: (change: PublishedChange) => Promise<void>;
};

type Definition<S extends z.ZodType, R, T> = {
  /** The timer's name (`clients.create`): one histogram per mutation. */
  name: string;
  /** Asserted before the input is read; a function of the input when the input decides it (settings). */
  permission: Action | ((input: z.output<S>) => Action[]);
  input: S;
  /** PostgreSQL error codes (23505 unique, 23503 foreign key, 23514 check…) and the error each becomes. */
  pgErrors?: Record<string, Error>;
  run: (tx: Transaction, ctx: MutationContext<z.output<S>>, target: T) => Promise<R>;
};

/**
 * One business mutation: the permission from the table, the input through its zod schema (a 400
 * with one message per field), one transaction holding the write and its live change, and database
 * errors mapped to what the user can fix. The domain writes only `run`.
 */
function build<S extends z.ZodType, R, T>(def: Definition<S, R, T>) {
  return async (db: Database, scope: MutationScope, target: T, raw: unknown, options: MutationOptions = {}): Promise<R> => {
    if (typeof def.permission === 'string') assertCan(scope, def.permission);
    const parsed = def.input.safeParse(raw);
    if (!parsed.success) throw ValidationError.fromZod(parsed.error);
    const input = parsed.data as z.output<S>;
    if (typeof def.permission === 'function') for (const action of def.permission(input)) assertCan(scope, action);
    try {
      return await timed(def.name, () =>
        db.transaction(async (tx) => {
          const publish = async (change: PublishedChange) => {
            await recordChange(tx, { ...change, businessId: scope.businessId, mutationId: options.mutationId ?? null } as ChangeInput);
          };
          return def.run(tx, { scope, input, publish }, target);
        }),
      );
    } catch (err) {
      const code = pgErrorCode(err);
      if (code !== undefined && def.pgErrors && Object.hasOwn(def.pgErrors, code)) throw def.pgErrors[code];
      throw err;
    }
  };
}

/** A mutation of the business as a whole (a create): `(db, scope, input, options)`. */
export function defineMutation<S extends z.ZodType, R>(def: Definition<S, R, void>) {
  const run = build(def);
  return (db: Database, scope: MutationScope, raw: unknown, options?: MutationOptions): Promise<R> => run(db, scope, undefined, raw, options);
}

/** A mutation of one record, the target (an id) first: `(db, scope, id, input, options)`. */
export function defineTargetedMutation<T, S extends z.ZodType, R>(def: Definition<S, R, T>) {
  return build(def);
}
