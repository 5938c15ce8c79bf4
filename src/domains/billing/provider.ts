import 'server-only';
import Stripe from 'stripe';
import { config, type FuseConfig } from '@/fuse/config';
import { processSingleton } from '@/fuse/singleton';
import type { PaidPlan, Plan } from './plans';

/**
 * Who takes the payment. `stripe` whenever STRIPE_SECRET_KEY is set. Without it, `local` (the test
 * checkout page of FUSE, "Pay with a test card") where it is safe: development, and the embedded
 * database's one-machine server that `npm start` runs (a production build on 127.0.0.1, the first
 * run's demo). A real deployment (NODE_ENV=production on DATABASE_URL) without Stripe has none: its
 * checkout answers 503, since a test checkout there would give every business a paid plan for free.
 */
export type BillingProvider = { kind: 'stripe'; stripe: Stripe; prices: Record<PaidPlan, string> } | { kind: 'local' } | { kind: 'none' };

/** The price ids of the local provider's plans (what its Stripe-shaped events carry). */
export const LOCAL_PRICES: Record<PaidPlan, string> = { pro: 'price_local_pro', business: 'price_local_business' };

export class BillingNotConfiguredError extends Error {
  readonly status = 503;
  constructor(message = 'Billing is not configured on this server: set STRIPE_SECRET_KEY (see docs/billing.md).') {
    super(message);
    this.name = 'BillingNotConfiguredError';
  }
}

const clients = processSingleton('stripeClients', () => new Map<string, Stripe>());

/** The Stripe client of a key (one per process); STRIPE_API_BASE points it at another host. */
export function stripeClient(secretKey: string): Stripe {
  let client = clients.get(secretKey);
  if (!client) {
    const base = config().billing.apiBase;
    client = new Stripe(secretKey, {
      ...(base ? { host: base.host, port: base.port, protocol: base.protocol } : {}),
      timeout: 10_000,
      maxNetworkRetries: 1,
      appInfo: { name: 'FUSE' },
    });
    clients.set(secretKey, client);
  }
  return client;
}

/** Which provider a configuration gets (the policy above). */
export function providerKind(cfg: Pick<FuseConfig, 'production' | 'database' | 'billing'>): BillingProvider['kind'] {
  if (cfg.billing.secretKey && cfg.billing.prices) return 'stripe';
  return !cfg.production || cfg.database.embedded ? 'local' : 'none';
}

export function billingProvider(): BillingProvider {
  const cfg = config();
  const kind = providerKind(cfg);
  if (kind === 'stripe') return { kind, stripe: stripeClient(cfg.billing.secretKey!), prices: cfg.billing.prices! };
  return { kind };
}

/** The plan a price id stands for (the configured Stripe prices; the local ones only for the local provider); null: not one of ours. */
export function planForPrice(priceId: string | null | undefined): Plan | null {
  if (!priceId) return null;
  const provider = billingProvider();
  const prices = provider.kind === 'stripe' ? provider.prices : provider.kind === 'local' ? LOCAL_PRICES : null;
  if (!prices) return null;
  if (priceId === prices.pro) return 'pro';
  if (priceId === prices.business) return 'business';
  return null;
}
