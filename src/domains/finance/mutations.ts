import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import { assertBillingAllows } from '@/domains/billing';
import { defineMutation, defineTargetedMutation, type MutationContext } from '@/fuse/domain/define-mutation';
import { UNIQUE_VIOLATION } from '@/fuse/db/pg-error';
import { NotFoundError, ValidationError, ConflictError } from '@/fuse/http/errors';
import type { Transaction } from '@/fuse/live/outbox';
import { parseDecimalToCents } from './money';
import { businessToday, invoiceColumns, toInvoiceView, type InvoiceView, type Scope } from './queries';
import { clients } from '@/domains/clients';
import { invoices } from './schema';
import { invoiceInput, invoicePatch } from './validators';

export const FINANCE_DOMAIN = 'finance';

async function readBack(tx: Transaction, scope: Scope, id: number): Promise<InvoiceView> {
  const [row] = await tx
    .select(invoiceColumns(scope.businessId))
    .from(invoices)
    .leftJoin(clients, and(eq(clients.businessId, scope.businessId), eq(clients.id, invoices.clientId)))
    .where(and(eq(invoices.businessId, scope.businessId), eq(invoices.id, id)))
    .limit(1);
  if (!row) throw new NotFoundError('Invoice not found.');
  return toInvoiceView(row);
}

function publishInvoice(publish: MutationContext<unknown>['publish'], view: InvoiceView) {
  return publish({ domain: FINANCE_DOMAIN, kind: 'upsert', entityId: view.id, data: view });
}

async function assertClientInBusiness(tx: Transaction, scope: Scope, clientId: number) {
  const [client] = await tx
    .select({ id: clients.id })
    .from(clients)
    .where(and(eq(clients.businessId, scope.businessId), eq(clients.id, clientId)))
    .limit(1);
  if (!client) throw new ValidationError({ clientId: 'That client does not exist in this business.' });
}

const NUMBER_TAKEN = new ValidationError({ number: 'An invoice with this number already exists.' });

export const createInvoice = defineMutation({
  name: 'finance.createInvoice',
  permission: 'finance.create',
  input: invoiceInput,
  pgErrors: { [UNIQUE_VIOLATION]: NUMBER_TAKEN, '23503': new ValidationError({ clientId: 'That client does not exist in this business.' }) },
  run: async (tx, { scope, input, publish }): Promise<InvoiceView> => {
    await assertBillingAllows(tx, scope.businessId);
    await assertClientInBusiness(tx, scope, input.clientId);
    const today = businessToday(scope.businessId);
    const issuedOn = input.issuedOn ? sql`${input.issuedOn}::date` : today;
    const dueOn = input.dueOn ? sql`${input.dueOn}::date` : sql`(${issuedOn} + 30)`;
    // Without a number, the next in the business's own sequence (INV-00001, ...). A concurrent
    // create that takes the same number fails the unique index and is reported, never duplicated.
    const number = input.number ?? sql`'INV-' || lpad(((select count(*) from invoices where business_id = ${scope.businessId}) + 1)::text, 5, '0')`;
    const [created] = await tx
      .insert(invoices)
      .values({
        businessId: scope.businessId,
        clientId: input.clientId,
        number,
        amountCents: input.amountCents,
        currency: input.currency,
        status: input.status,
        issuedOn,
        dueOn,
      })
      .returning({ id: invoices.id, issuedOn: invoices.issuedOn, dueOn: invoices.dueOn });
    if (created!.dueOn < created!.issuedOn) throw new ValidationError({ dueOn: 'The due date is on or after the issue date.' });
    const view = await readBack(tx, scope, created!.id);
    await publishInvoice(publish, view);
    return view;
  },
});

/** Send, mark paid, mark overdue, or edit a draft. Paid invoices are final. */
export const updateInvoice = defineTargetedMutation({
  name: 'finance.updateInvoice',
  permission: 'finance.edit',
  input: invoicePatch,
  pgErrors: {
    [UNIQUE_VIOLATION]: NUMBER_TAKEN,
    '23514': new ValidationError({ body: 'The invoice would break a rule (amount, currency or dates).' }),
  },
  run: async (tx, { scope, input, publish }, id: number): Promise<InvoiceView> => {
    await assertBillingAllows(tx, scope.businessId);
    // Lock the row so two concurrent transitions (send and mark paid) apply one after the other.
    const [current] = await tx
      .select({ status: invoices.status, currency: invoices.currency, issuedOn: invoices.issuedOn })
      .from(invoices)
      .where(and(eq(invoices.businessId, scope.businessId), eq(invoices.id, id)))
      .for('update')
      .limit(1);
    if (!current) throw new NotFoundError('Invoice not found.');
    const where = and(eq(invoices.businessId, scope.businessId), eq(invoices.id, id));
    const today = businessToday(scope.businessId);

    if ('action' in input) {
      if (input.action === 'send') {
        if (current.status !== 'draft') throw new ConflictError(`A ${current.status} invoice cannot be sent again.`);
        await tx
          .update(invoices)
          .set({ status: 'sent', updatedAt: sql`now()` })
          .where(where);
      } else if (input.action === 'markPaid') {
        if (current.status === 'paid') throw new ConflictError('This invoice is already paid.');
        if (current.status === 'draft') throw new ConflictError('Send the invoice before marking it paid.');
        const paidOn = input.paidOn ? sql`${input.paidOn}::date` : today;
        await tx
          .update(invoices)
          .set({ status: 'paid', paidOn, updatedAt: sql`now()` })
          .where(where);
      } else {
        if (current.status !== 'sent') throw new ConflictError('Only a sent invoice can become overdue.');
        await tx
          .update(invoices)
          .set({ status: 'overdue', updatedAt: sql`now()` })
          .where(where);
      }
    } else {
      if (current.status !== 'draft') throw new ConflictError('Only a draft can be edited; this invoice was sent.');
      const { amount, ...fields } = input;
      const currency = fields.currency ?? current.currency;
      let amountCents = fields.amountCents;
      if (amount !== undefined) {
        if (amountCents !== undefined) throw new ValidationError({ amount: 'Give amount or amountCents, not both.' });
        const cents = parseDecimalToCents(amount, currency);
        if (cents === null) throw new ValidationError({ amount: `Enter an amount such as 12.34 ${currency}.` });
        amountCents = cents;
      }
      if (fields.clientId !== undefined) await assertClientInBusiness(tx, scope, fields.clientId);
      const issuedOn = fields.issuedOn ?? current.issuedOn;
      if (fields.dueOn !== undefined && fields.dueOn < issuedOn) throw new ValidationError({ dueOn: 'The due date is on or after the issue date.' });
      await tx
        .update(invoices)
        .set({ ...fields, ...(amountCents !== undefined ? { amountCents } : {}), updatedAt: sql`now()` })
        .where(where);
    }
    const view = await readBack(tx, scope, id);
    await publishInvoice(publish, view);
    return view;
  },
});
