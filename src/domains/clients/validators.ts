import { z } from 'zod';
import { idParam, pageParams } from '@/fuse/http/params';
import { textField } from '@/fuse/http/text-field';
import { CLIENT_STATUSES } from './statuses';

const optionalText = (max: number) =>
  textField()
    .trim()
    .max(max, `Use at most ${max} characters.`)
    .nullish()
    .transform((v) => (v ? v : null));

const clientStatus = z.enum(CLIENT_STATUSES, { error: `Status is one of ${CLIENT_STATUSES.join(', ')}.` });

const clientFields = z.object({
  email: textField({ error: 'Enter an email address.' }).trim().toLowerCase().max(254).email('Enter a valid email address.'),
  firstName: textField({ error: 'Enter a first name.' }).trim().min(1, 'Enter a first name.').max(100),
  lastName: textField({ error: 'Enter a last name.' }).trim().min(1, 'Enter a last name.').max(100),
  status: clientStatus,
  phone: optionalText(40),
  company: optionalText(200),
  notes: optionalText(5000),
});

export const clientInput = clientFields.extend({ status: clientStatus.default('active') });

// Built from the fields without defaults: `.partial()` keeps a default, so a patch that leaves out
// `status` would otherwise reset it to `active`.
export const clientPatch = clientFields
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, {
    message: 'Nothing to change.',
  });

export const clientListParams = z.object({
  status: z.enum(CLIENT_STATUSES, { error: `Status is one of ${CLIENT_STATUSES.join(', ')}.` }).optional(),
  q: textField()
    .trim()
    .max(100, 'Search with at most 100 characters.')
    .optional()
    .transform((v) => v || undefined),
  ...pageParams,
});

/** `/api/clients/{id}`: an id that does not parse is a client not found. */
export const clientParams = z.object({ id: idParam('Client not found.') });

export type ClientInput = z.input<typeof clientInput>;
export type ClientPatch = z.input<typeof clientPatch>;
export type ClientListParams = z.input<typeof clientListParams>;
