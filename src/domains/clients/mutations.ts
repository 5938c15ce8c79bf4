import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import { assertCan } from '@/fuse/auth/permissions';
import type { Database } from '@/fuse/db/client';
import { timed } from '@/fuse/db/timed';
import { NotFoundError, ValidationError } from '@/fuse/http/errors';
import { recordChange } from '@/fuse/live/outbox';
import { toClientView, type ClientView, type Scope } from './queries';
import { clients } from './schema';
import { clientInput, clientPatch } from './validators';

export const CLIENTS_DOMAIN = 'clients';

type MutationOptions = { mutationId?: string | null };

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.code === '23505' || e?.cause?.code === '23505';
}

const EMAIL_TAKEN = new ValidationError({ email: 'A client with this email already exists.' });

export async function createClient(
  db: Database,
  scope: Scope,
  raw: unknown,
  options: MutationOptions = {},
): Promise<ClientView> {
  assertCan(scope, 'clients.create');
  const parsed = clientInput.safeParse(raw);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  try {
    return await timed('clients.create', () =>
      db.transaction(async (tx) => {
        const [row] = await tx
          .insert(clients)
          .values({ ...parsed.data, businessId: scope.businessId })
          .returning();
        const view = toClientView(row!);
        await recordChange(tx, {
          businessId: scope.businessId,
          domain: CLIENTS_DOMAIN,
          kind: 'upsert',
          entityId: view.id,
          data: view,
          mutationId: options.mutationId,
        });
        return view;
      }),
    );
  } catch (err) {
    if (isUniqueViolation(err)) throw EMAIL_TAKEN;
    throw err;
  }
}

export async function updateClient(
  db: Database,
  scope: Scope,
  id: number,
  raw: unknown,
  options: MutationOptions = {},
): Promise<ClientView> {
  assertCan(scope, 'clients.edit');
  const parsed = clientPatch.safeParse(raw);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  try {
    return await timed('clients.update', () =>
      db.transaction(async (tx) => {
        const [row] = await tx
          .update(clients)
          .set({ ...parsed.data, updatedAt: sql`now()` })
          .where(and(eq(clients.businessId, scope.businessId), eq(clients.id, id)))
          .returning();
        if (!row) throw new NotFoundError('Client not found.');
        const view = toClientView(row);
        await recordChange(tx, {
          businessId: scope.businessId,
          domain: CLIENTS_DOMAIN,
          kind: 'upsert',
          entityId: view.id,
          data: view,
          mutationId: options.mutationId,
        });
        return view;
      }),
    );
  } catch (err) {
    if (isUniqueViolation(err)) throw EMAIL_TAKEN;
    throw err;
  }
}

/** Archiving keeps the row (status `archived`) so history and invoices stay intact. */
export function archiveClient(db: Database, scope: Scope, id: number, options: MutationOptions = {}): Promise<ClientView> {
  return updateClient(db, scope, id, { status: 'archived' }, options);
}
