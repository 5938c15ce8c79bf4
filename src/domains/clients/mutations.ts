import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { assertBillingAllows } from '@/domains/billing';
import { defineMutation, defineTargetedMutation, type MutationContext, type MutationOptions } from '@/fuse/domain/define-mutation';
import type { Database } from '@/fuse/db/client';
import { UNIQUE_VIOLATION } from '@/fuse/db/pg-error';
import { NotFoundError, ValidationError } from '@/fuse/http/errors';
import { toClientView, type ClientView, type Scope } from './queries';
import { clients } from './schema';
import { clientInput, clientPatch } from './validators';
import type { Transaction } from '@/fuse/live/outbox';

export const CLIENTS_DOMAIN = 'clients';

const EMAIL_TAKEN = { [UNIQUE_VIOLATION]: new ValidationError({ email: 'A client with this email already exists.' }) };

export const createClient = defineMutation({
  name: 'clients.create',
  permission: 'clients.create',
  input: clientInput,
  pgErrors: EMAIL_TAKEN,
  run: async (tx, { scope, input, publish }): Promise<ClientView> => {
    await assertBillingAllows(tx, scope.businessId, 'clients');
    const [row] = await tx
      .insert(clients)
      .values({ ...input, businessId: scope.businessId })
      .returning();
    const view = toClientView(row!);
    await publish({ domain: CLIENTS_DOMAIN, kind: 'upsert', entityId: view.id, data: view });
    return view;
  },
});

type ClientChange = MutationContext<z.output<typeof clientPatch>>;

async function saveClient(tx: Transaction, { scope, input, publish }: ClientChange, id: number): Promise<ClientView> {
  await assertBillingAllows(tx, scope.businessId);
  const [row] = await tx
    .update(clients)
    .set({ ...input, updatedAt: sql`now()` })
    .where(and(eq(clients.businessId, scope.businessId), eq(clients.id, id)))
    .returning();
  if (!row) throw new NotFoundError('Client not found.');
  const view = toClientView(row);
  await publish({ domain: CLIENTS_DOMAIN, kind: 'upsert', entityId: view.id, data: view });
  return view;
}

export const updateClient = defineTargetedMutation({
  name: 'clients.update',
  permission: 'clients.edit',
  input: clientPatch,
  pgErrors: EMAIL_TAKEN,
  run: (tx, ctx, id: number) => saveClient(tx, ctx, id),
});

const archive = defineTargetedMutation({
  name: 'clients.archive',
  permission: 'clients.archive',
  input: z.undefined(),
  run: (tx, ctx, id: number) => saveClient(tx, { ...ctx, input: { status: 'archived' } }, id),
});

/** Archiving keeps the row (status `archived`) so history and invoices stay intact. */
export function archiveClient(db: Database, scope: Scope, id: number, options?: MutationOptions): Promise<ClientView> {
  return archive(db, scope, id, undefined, options);
}
