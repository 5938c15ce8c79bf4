import { describe, expect, it } from 'vitest';
import { effectivePlan, graceEndsAt, PLANS, writesAllowed } from '@/domains/billing/plans';
import { providerKind } from '@/domains/billing/provider';
import { ConfigError, loadConfig } from '@/fuse/config';

const SECRET = 'unit-session-secret-that-is-long-enough-0123456789';
const load = (env: Record<string, string>) => loadConfig(env as unknown as NodeJS.ProcessEnv);
const STRIPE = {
  STRIPE_SECRET_KEY: 'sk_test_unit',
  STRIPE_WEBHOOK_SECRET: 'whsec_unit',
  STRIPE_PRICE_PRO: 'price_pro',
  STRIPE_PRICE_BUSINESS: 'price_business',
};

describe('billing configuration', () => {
  it('Stripe needs its webhook secret and both prices; keys and URLs are checked', () => {
    expect(() => load({ SESSION_SECRET: SECRET, STRIPE_SECRET_KEY: 'sk_test_x' })).toThrow(ConfigError);
    expect(() => load({ SESSION_SECRET: SECRET, ...STRIPE, STRIPE_SECRET_KEY: 'pk_test_public' })).toThrow(/STRIPE_SECRET_KEY/);
    expect(() => load({ SESSION_SECRET: SECRET, ...STRIPE, STRIPE_WEBHOOK_SECRET: 'nope' })).toThrow(/STRIPE_WEBHOOK_SECRET/);
    expect(() => load({ SESSION_SECRET: SECRET, ...STRIPE, STRIPE_PRICE_BUSINESS: 'price_pro' })).toThrow(/same price/);
    expect(() => load({ SESSION_SECRET: SECRET, ...STRIPE, STRIPE_API_BASE: 'ftp://127.0.0.1:21' })).toThrow(/STRIPE_API_BASE/);
    expect(() => load({ SESSION_SECRET: SECRET, ...STRIPE, STRIPE_API_BASE: 'not a url' })).toThrow(/STRIPE_API_BASE/);
  });

  it('STRIPE_API_BASE becomes the host, port and protocol of the Stripe client', () => {
    expect(load({ SESSION_SECRET: SECRET, ...STRIPE, STRIPE_API_BASE: 'http://127.0.0.1:12111' }).billing.apiBase).toEqual({
      host: '127.0.0.1',
      port: 12111,
      protocol: 'http',
    });
    expect(load({ SESSION_SECRET: SECRET, ...STRIPE, STRIPE_API_BASE: 'https://stripe.internal' }).billing.apiBase).toEqual({
      host: 'stripe.internal',
      port: 443,
      protocol: 'https',
    });
    expect(load({ SESSION_SECRET: SECRET, ...STRIPE }).billing.apiBase).toBeNull();
  });

  it('the local test checkout serves development and the embedded one-machine server, never a real deployment', () => {
    const dev = load({ SESSION_SECRET: SECRET });
    const embeddedProduction = load({ SESSION_SECRET: SECRET, NODE_ENV: 'production', FUSE_ALLOW_EMBEDDED: '1' });
    const deployment = load({ SESSION_SECRET: SECRET, NODE_ENV: 'production', DATABASE_URL: 'postgres://db.example/fuse' });
    expect(providerKind(dev)).toBe('local');
    expect(providerKind(embeddedProduction)).toBe('local');
    expect(providerKind(deployment)).toBe('none');
    expect(providerKind(load({ SESSION_SECRET: SECRET, NODE_ENV: 'production', DATABASE_URL: 'postgres://db.example/fuse', ...STRIPE }))).toBe(
      'stripe',
    );
    expect(providerKind(load({ SESSION_SECRET: SECRET, ...STRIPE }))).toBe('stripe');
  });
});

describe('plans', () => {
  it('free 100 clients / 5 members, pro 10,000 / 25, business unlimited', () => {
    expect(PLANS.free.limits).toEqual({ clients: 100, members: 5 });
    expect(PLANS.pro.limits).toEqual({ clients: 10_000, members: 25 });
    expect(PLANS.business.limits).toEqual({ clients: null, members: null });
  });

  it('a canceled or never-completed subscription is the free plan', () => {
    expect(effectivePlan({ plan: 'pro', status: 'canceled' })).toBe('free');
    expect(effectivePlan({ plan: 'business', status: 'incomplete' })).toBe('free');
    expect(effectivePlan({ plan: 'pro', status: 'past_due' })).toBe('pro');
  });

  it('past due writes for exactly 7 days from the first failed payment', () => {
    const since = new Date('2026-03-01T12:00:00Z');
    const state = { plan: 'pro' as const, status: 'past_due' as const, pastDueSince: since };
    expect(graceEndsAt(state)).toEqual(new Date('2026-03-08T12:00:00Z'));
    expect(writesAllowed(state, new Date('2026-03-08T11:59:59Z'))).toBe(true);
    expect(writesAllowed(state, new Date('2026-03-08T12:00:00Z'))).toBe(false);
    expect(writesAllowed({ ...state, status: 'active' }, new Date('2027-01-01T00:00:00Z'))).toBe(true);
  });
});
