import { MAX_WEBHOOK_BYTES, receiveWebhook } from '@/domains/billing/webhook';
import { json, publicHandler, readBody } from '@/fuse/http/handler';
import { requestClientIp } from '@/fuse/security/request-ip';

/** Stripe's webhook: no session, no Origin; the `Stripe-Signature` over the exact body is the proof. */
export const POST = publicHandler(
  async ({ request, db }) =>
    json(
      await receiveWebhook(db, {
        rawBody: await readBody(request, MAX_WEBHOOK_BYTES),
        signature: request.headers.get('stripe-signature'),
        ip: requestClientIp(request),
      }),
    ),
  { fromOtherSites: true },
);
