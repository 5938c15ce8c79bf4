import { z } from 'zod';
import { PAID_PLANS } from './plans';

export const checkoutInput = z.object({ plan: z.enum(PAID_PLANS, { message: 'Choose the pro or business plan.' }) }).strict();

/** The local test checkout: pay for a plan, or cancel (the local stand-in for Stripe's portal). */
export const testCheckoutInput = z.discriminatedUnion(
  'action',
  [
    z.object({ action: z.literal('pay'), plan: z.enum(PAID_PLANS, { message: 'Choose the pro or business plan.' }) }).strict(),
    z.object({ action: z.literal('cancel') }).strict(),
  ],
  { message: 'action must be "pay" (with a plan) or "cancel".' },
);
