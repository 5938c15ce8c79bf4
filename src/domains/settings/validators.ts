import { z } from 'zod';
import { textField } from '@/fuse/http/text-field';

import { THEMES } from '@/fuse/auth/schema-types';

export { THEMES, type Theme } from '@/fuse/auth/schema-types';

/** An IANA time zone the runtime knows (PostgreSQL checks it again when it is saved). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return /^[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)*$/.test(tz);
  } catch {
    return false;
  }
}

/** Personal settings: any signed-in user, for themselves. */
export const profileInput = z
  .object({
    name: textField().trim().min(1, 'Enter your name.').max(120, 'Use at most 120 characters.').optional(),
    theme: z.enum(THEMES, { error: 'Theme is light, dark or system.' }).optional(),
  })
  .strict();

/** Business settings: captains and above. */
export const businessInput = z
  .object({
    businessName: textField().trim().min(1, 'Enter the business name.').max(120, 'Use at most 120 characters.').optional(),
    timezone: textField().trim().max(64).refine(isTimeZone, 'Choose a time zone such as Europe/Berlin.').optional(),
  })
  .strict();

export const settingsPatch = z
  .object({ ...profileInput.shape, ...businessInput.shape })
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: 'Nothing to change.' });

export type SettingsPatch = z.input<typeof settingsPatch>;
