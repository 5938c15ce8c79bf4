import Stripe from 'stripe';
import { beforeAll, describe, expect, it } from 'vitest';
import { receiveWebhook, WebhookSignatureError } from '@/domains/billing/webhook';
import type { Database } from '@/fuse/db/client';
import { RateLimitedError } from '@/fuse/ratelimit';
import { thrown } from '../setup/thrown';

const SECRET = 'whsec_unit_webhook_secret';
/** Never reached: every delivery here fails its signature before the database is used. */
const noDatabase = new Proxy({}, { get: () => () => Promise.reject(new Error('the database must not be touched')) }) as unknown as Database;

describe('webhook signature failures are rate limited per address', () => {
  beforeAll(() => {
    // Read on first use of the configuration (after these are set).
    process.env.STRIPE_WEBHOOK_SECRET = SECRET;
    process.env.AUTH_RATE_LIMIT_MAX = '3';
    process.env.REDIS_URL = '';
  });

  it('three bad signatures from one address, then 429 for it while another address still gets its 400', async () => {
    const payload = JSON.stringify({ id: 'evt_unit', type: 'invoice.paid', created: 1, data: { object: {} } });
    const forged = Stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_forger' });
    const deliver = (ip: string, signature: string | null = forged) => receiveWebhook(noDatabase, { rawBody: Buffer.from(payload), signature, ip });
    for (let i = 0; i < 3; i++) expect(await thrown(deliver('203.0.113.7', i === 0 ? null : forged))).toBeInstanceOf(WebhookSignatureError);
    const limited = await thrown(deliver('203.0.113.7'));
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect((limited as RateLimitedError).headers['Retry-After']).toBeTruthy();
    // Even a valid signature waits out the budget of that address: the check comes first.
    const valid = Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET });
    expect(await thrown(deliver('203.0.113.7', valid))).toBeInstanceOf(RateLimitedError);
    expect(await thrown(deliver('198.51.100.9'))).toBeInstanceOf(WebhookSignatureError);
  });
});
