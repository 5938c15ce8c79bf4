import { z } from 'zod';
import { idParam, pageParams } from '@/fuse/http/params';
import { textField } from '@/fuse/http/text-field';
import { isKnownCurrency, MAX_AMOUNT_CENTS, parseDecimalToCents } from './money';
import { INVOICE_STATUSES } from './statuses';

const isoDate = textField({ error: 'Use a date like 2026-01-31.' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date like 2026-01-31.')
  .refine((v) => {
    const d = new Date(`${v}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
  }, 'That date does not exist.');

export const currencyField = textField({ error: 'Currency is a 3-letter ISO 4217 code.' })
  .trim()
  .toUpperCase()
  .refine(isKnownCurrency, 'Currency is a 3-letter ISO 4217 code, such as USD or EUR.');

/** Integer cents only: a JSON number must be a whole, non-negative, safe integer. */
export const centsField = z
  .number({ error: 'Amount is a whole number of cents.' })
  .int('Amount is a whole number of cents.')
  .min(0, 'Amount cannot be negative.')
  .max(MAX_AMOUNT_CENTS, 'Amount is too large.');

export const INVOICE_NUMBER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$/;

const invoiceFields = {
  clientId: z.coerce.number({ error: 'Choose a client.' }).int('Choose a client.').positive('Choose a client.').max(Number.MAX_SAFE_INTEGER),
  number: textField().trim().regex(INVOICE_NUMBER_PATTERN, 'Invoice number: letters, digits, and . _ / - (at most 40).').optional(),
  currency: currencyField.default('USD'),
  /** Either `amountCents` (integer) or `amount` (decimal text such as "12.34"), parsed exactly. */
  amountCents: centsField.optional(),
  amount: textField().max(32).optional(),
  issuedOn: isoDate.optional(),
  dueOn: isoDate.optional(),
};

function resolveAmount<T extends { amountCents?: number; amount?: string; currency: string }>(v: T, ctx: z.RefinementCtx) {
  if (v.amountCents !== undefined && v.amount !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['amount'], message: 'Give amount or amountCents, not both.' });
    return z.NEVER;
  }
  if (v.amount !== undefined) {
    const cents = parseDecimalToCents(v.amount, v.currency);
    if (cents === null) {
      ctx.addIssue({ code: 'custom', path: ['amount'], message: `Enter an amount such as 12.34 ${v.currency}.` });
      return z.NEVER;
    }
    return cents;
  }
  return v.amountCents;
}

export const invoiceInput = z
  .object({ ...invoiceFields, status: z.enum(['draft', 'sent'], { error: 'A new invoice is a draft or sent.' }).default('draft') })
  .strict()
  .transform((v, ctx) => {
    const amountCents = resolveAmount(v, ctx);
    if (amountCents === undefined) {
      ctx.addIssue({ code: 'custom', path: ['amount'], message: 'Enter an amount.' });
      return z.NEVER;
    }
    const { amount: _amount, ...rest } = v;
    void _amount;
    return { ...rest, amountCents };
  })
  .superRefine((v, ctx) => {
    if (v.issuedOn && v.dueOn && v.dueOn < v.issuedOn)
      ctx.addIssue({ code: 'custom', path: ['dueOn'], message: 'The due date is on or after the issue date.' });
  });

/** PATCH: an action (send, mark paid, mark overdue) or, on a draft, changed fields. */
export const invoicePatch = z.union([
  z.object({ action: z.literal('send') }).strict(),
  z.object({ action: z.literal('markPaid'), paidOn: isoDate.optional() }).strict(),
  z.object({ action: z.literal('markOverdue') }).strict(),
  z
    .object({
      clientId: invoiceFields.clientId.optional(),
      number: invoiceFields.number,
      currency: currencyField.optional(),
      amountCents: centsField.optional(),
      amount: textField().max(32).optional(),
      issuedOn: isoDate.optional(),
      dueOn: isoDate.optional(),
    })
    .strict()
    .refine((v) => Object.keys(v).length > 0, { message: 'Nothing to change.' }),
]);

export type InvoicePatch = z.infer<typeof invoicePatch>;

export const invoiceListParams = z.object({
  status: z.enum(INVOICE_STATUSES, { error: `Status is one of ${INVOICE_STATUSES.join(', ')}.` }).optional(),
  clientId: z.coerce.number({ error: 'clientId is a number.' }).int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  q: textField()
    .trim()
    .max(40, 'Search with at most 40 characters.')
    .optional()
    .transform((v) => v || undefined),
  ...pageParams,
});

export const summaryParams = z.object({ currency: currencyField.optional() });

/** `/api/invoices/{id}`: an id that does not parse is an invoice not found. */
export const invoiceParams = z.object({ id: idParam('Invoice not found.') });

export type InvoiceInput = z.input<typeof invoiceInput>;
export type InvoiceListParams = z.input<typeof invoiceListParams>;
