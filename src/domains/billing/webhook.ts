import 'server-only';
import Stripe from 'stripe';
import { config } from '@/fuse/config';
import type { Database } from '@/fuse/db/client';
import { ValidationError } from '@/fuse/http/errors';
import { guardWebhookSignature } from '@/fuse/ratelimit';
import { applyStripeEvent, type ApplyOutcome, type StripeEventLike } from './apply';
import { BillingNotConfiguredError } from './provider';

/** Stripe's events are a few KB; a body past this is not one. */
export const MAX_WEBHOOK_BYTES = 256 * 1024;

export class WebhookSignatureError extends ValidationError {
  constructor() {
    super({ 'stripe-signature': 'The signature does not match this endpoint’s signing secret.' }, 'Webhook signature verification failed.');
    this.name = 'WebhookSignatureError';
  }
}

/**
 * `POST /api/billing/webhook`: the raw body's `Stripe-Signature` checked with STRIPE_WEBHOOK_SECRET
 * (Stripe's own check: HMAC of the exact bytes, a timestamp within five minutes), then the event
 * applied from its payload alone. A bad signature changes nothing.
 */
export async function receiveWebhook(
  db: Database,
  request: { rawBody: Buffer; signature: string | null; ip: string },
): Promise<{ received: true; outcome: ApplyOutcome }> {
  const secret = config().billing.webhookSecret;
  if (!secret) throw new BillingNotConfiguredError('Billing webhooks are not configured on this server: set STRIPE_WEBHOOK_SECRET.');
  const guard = await guardWebhookSignature(request.ip);
  const event = await guard.attempt(
    async () => {
      if (!request.signature) throw new WebhookSignatureError();
      try {
        return Stripe.webhooks.constructEvent(request.rawBody, request.signature, secret);
      } catch {
        throw new WebhookSignatureError();
      }
    },
    (err) => err instanceof WebhookSignatureError,
  );
  const e = event as unknown as StripeEventLike;
  if (typeof e.id !== 'string' || !e.id || e.id.length > 255 || typeof e.type !== 'string' || !Number.isInteger(e.created)) {
    throw new ValidationError({ body: 'Not a Stripe event.' }, 'Not a Stripe event.');
  }
  return { received: true, outcome: await applyStripeEvent(db, e) };
}
