import { z } from 'zod';
import { textField } from '@/fuse/http/text-field';

export const emailField = textField({ error: 'Enter your email address.' })
  .trim()
  .toLowerCase()
  .max(254, 'That email address is too long.')
  .email('Enter a valid email address.');

const COMMON_PASSWORDS = new Set([
  'password',
  'password1',
  'password123',
  '1234567890',
  '12345678910',
  'qwertyuiop',
  'iloveyou12',
  'letmein123',
  'welcome123',
  'admin12345',
  'passw0rd12',
  'abc1234567',
]);

export const passwordField = textField({ error: 'Enter a password.' })
  .min(10, 'Use at least 10 characters.')
  .max(256, 'Use at most 256 characters.')
  .refine((p) => /[a-zA-Z]/.test(p) && /[^a-zA-Z]/.test(p), 'Mix letters with numbers or symbols.')
  .refine((p) => !COMMON_PASSWORDS.has(p.toLowerCase()), 'That password is too common.')
  .refine((p) => new Set(p).size >= 5, 'Use more different characters.');

export const signUpInput = z.object({
  email: emailField,
  password: passwordField,
  name: textField({ error: 'Enter your name.' }).trim().min(1, 'Enter your name.').max(120, 'Use at most 120 characters.'),
  businessName: textField({ error: 'Enter your business name.' }).trim().min(1, 'Enter your business name.').max(120, 'Use at most 120 characters.'),
});

export const signInInput = z.object({
  email: emailField,
  password: textField({ error: 'Enter your password.' }).min(1, 'Enter your password.').max(256),
});

export type SignUpInput = z.infer<typeof signUpInput>;
export type SignInInput = z.infer<typeof signInInput>;
