import fc from 'fast-check';
import type { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { clientInput, clientListParams, clientPatch } from '@/domains/clients/validators';
import { invoiceInput, invoiceListParams } from '@/domains/finance/validators';
import { settingsPatch } from '@/domains/settings/validators';
import { acceptInviteInput, inviteInput } from '@/domains/team/validators';
import { signInInput, signUpInput } from '@/fuse/auth/validators';
import { ValidationError } from '@/fuse/http/errors';
import { NUL_MESSAGE } from '@/fuse/http/text-field';

const TOKEN = `${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}.1.${'A'.repeat(43)}`;

/** Each input with a valid value and the text fields a person types (each ends up in PostgreSQL). */
const INPUTS: { name: string; schema: z.ZodType; valid: Record<string, unknown>; fields: string[] }[] = [
  {
    name: 'sign-up',
    schema: signUpInput,
    valid: { email: 'ann@example.com', password: 'tide-and-anchor-42', name: 'Ann', businessName: 'Ann Ltd' },
    fields: ['email', 'password', 'name', 'businessName'],
  },
  { name: 'sign-in', schema: signInInput, valid: { email: 'ann@example.com', password: 'tide-and-anchor-42' }, fields: ['email', 'password'] },
  { name: 'invite', schema: inviteInput, valid: { email: 'ann@example.com' }, fields: ['email'] },
  {
    name: 'accept invite',
    schema: acceptInviteInput,
    valid: { token: TOKEN, name: 'Ann', password: 'tide-and-anchor-42' },
    fields: ['token', 'name', 'password'],
  },
  {
    name: 'client',
    schema: clientInput,
    valid: { email: 'c@example.com', firstName: 'Cy', lastName: 'Lee', phone: '555', company: 'Co', notes: 'n' },
    fields: ['email', 'firstName', 'lastName', 'phone', 'company', 'notes'],
  },
  { name: 'client patch', schema: clientPatch, valid: { firstName: 'Cy', notes: 'n' }, fields: ['firstName', 'notes'] },
  { name: 'client search', schema: clientListParams, valid: { q: 'cy', cursor: 'abc' }, fields: ['q', 'cursor'] },
  { name: 'invoice', schema: invoiceInput, valid: { clientId: 1, number: 'INV-1', amount: '12.34' }, fields: ['number', 'amount'] },
  { name: 'invoice search', schema: invoiceListParams, valid: { q: 'inv' }, fields: ['q'] },
  {
    name: 'settings',
    schema: settingsPatch,
    valid: { name: 'Ann', businessName: 'Ann Ltd', timezone: 'Europe/Berlin' },
    fields: ['name', 'businessName', 'timezone'],
  },
];

function fieldsOf(schema: z.ZodType, input: unknown): Record<string, string> | null {
  const parsed = schema.safeParse(input);
  return parsed.success ? null : ValidationError.fromZod(parsed.error).fields;
}

describe('text inputs refuse the NUL character (PostgreSQL cannot store it)', () => {
  for (const { name, schema, valid, fields } of INPUTS) {
    it(`${name}: the valid input passes; a NUL anywhere in ${fields.join(', ')} is a field message`, () => {
      expect(fieldsOf(schema, valid)).toBeNull();
      fc.assert(
        fc.property(fc.constantFrom(...fields), fc.nat(), fc.constantFrom('\u0000', '\u0000\u0000', ' \u0000 '), (field, at, nul) => {
          const value = String(valid[field]);
          const i = at % (value.length + 1);
          const out = fieldsOf(schema, { ...valid, [field]: value.slice(0, i) + nul + value.slice(i) });
          expect(out?.[field]).toBe(NUL_MESSAGE);
        }),
        { numRuns: 200 },
      );
    });
  }
});
