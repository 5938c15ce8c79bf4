import { z } from 'zod';
import { textField } from '@/fuse/http/text-field';
import { emailField, passwordField } from '@/fuse/auth/validators';
import { MEMBER_RANKS } from './ranks';

const memberRank = z.enum(MEMBER_RANKS, { error: `Rank is one of ${MEMBER_RANKS.join(', ')}.` });

export const inviteInput = z.object({ email: emailField, rank: memberRank.default('crew') }).strict();

export const rankChangeInput = z.object({ rank: memberRank }).strict();

export const INVITE_TOKEN_PATTERN = /^[0-9a-f-]{36}\.\d{1,15}\.[A-Za-z0-9_-]{43}$/;

export const inviteToken = textField({ error: 'This invite link is not valid.' })
  .trim()
  .regex(INVITE_TOKEN_PATTERN, 'This invite link is not valid.');

export const acceptInviteInput = z
  .object({
    token: inviteToken,
    name: textField().trim().min(1, 'Enter your name.').max(120, 'Use at most 120 characters.').optional(),
    password: textField({ error: 'Enter a password.' }).min(1, 'Enter a password.').max(256),
  })
  .strict();

export const newMemberPassword = passwordField;

export const switchBusinessInput = z.object({ businessId: textField().uuid('Choose a business.') }).strict();

/** `/api/team/members/{userId}`: a user id that does not parse is a member not found. */
export const memberParams = z.object({ userId: z.string({ error: 'Member not found.' }).uuid('Member not found.') });
