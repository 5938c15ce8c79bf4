import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer, type AppServer } from '../setup/app-server';
import { startStripeServer, type StripeRequest } from '../setup/stripe-server';
import { baseEnv, CAPTAIN, cookieFrom, DEMO_PASSWORD, seededPostgres, signInCookie } from './hardening-support';

/**
 * Billing against Stripe through real HTTP: FUSE on PostgreSQL (a real deployment) with its Stripe
 * client pointed at a Stripe-compatible test server, webhooks signed with the stripe package's own
 * test helper. A second server on the same database has no Stripe keys (a real deployment without billing).
 */
const WEBHOOK_SECRET = 'whsec_fuse_test_0123456789abcdef';
const PRICES = { pro: 'price_pro_test', business: 'price_business_test' };
const DAY = 86_400;
const now = () => Math.floor(Date.now() / 1000);

let stripe: Awaited<ReturnType<typeof startStripeServer>>;
let db: Awaited<ReturnType<typeof seededPostgres>>;
let app: AppServer;
let unconfigured: AppServer;

type Json = Record<string, unknown>;

async function call(cookie: string | null, method: string, path: string, body?: unknown, server: AppServer = app) {
  const headers: Record<string, string> = {};
  if (cookie) headers.cookie = cookie;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${server.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as Json };
}

/** A new business over the API: its captain's cookie and its id. */
async function newBusiness(label: string): Promise<{ cookie: string; businessId: string }> {
  const res = await fetch(`${app.url}/api/auth/sign-up`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: `${label}-${randomUUID()}@example.com`,
      password: 'correct-horse-42',
      name: `${label} captain`,
      businessName: label,
    }),
  });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { businessId: string };
  return { cookie: cookieFrom(res)!, businessId: body.businessId };
}

function signed(payload: string, options: { secret?: string; timestamp?: number } = {}) {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? WEBHOOK_SECRET, timestamp: options.timestamp });
}

async function deliver(event: Json, headers: Record<string, string> = {}) {
  const payload = JSON.stringify(event);
  const res = await fetch(`${app.url}/api/billing/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signed(payload), ...headers },
    body: payload,
  });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as Json };
}

function event(type: string, created: number, object: Json): Json {
  return { id: `evt_${randomUUID().replace(/-/g, '')}`, object: 'event', type, created, livemode: false, data: { object } };
}

function subscription(businessId: string, o: { id: string; customer: string; status: string; price: string; periodEnd: number }): Json {
  return {
    id: o.id,
    object: 'subscription',
    customer: o.customer,
    status: o.status,
    cancel_at_period_end: false,
    metadata: { businessId },
    items: { object: 'list', data: [{ id: `si_${o.id}`, price: { id: o.price }, current_period_end: o.periodEnd }] },
  };
}

function invoice(businessId: string, sub: string, customer: string): Json {
  return {
    id: `in_${randomUUID().slice(0, 8)}`,
    object: 'invoice',
    customer,
    parent: { type: 'subscription_details', subscription_details: { subscription: sub, metadata: { businessId } } },
  };
}

const requestsFor = (businessId: string, path: string): StripeRequest[] =>
  stripe.requests.filter((r) => r.path === path && Object.values(r.form).includes(businessId));

async function billing(cookie: string) {
  const res = await call(cookie, 'GET', '/api/billing');
  expect(res.status).toBe(200);
  return res.body as {
    plan: string;
    status: string;
    writable: boolean;
    limits: Json;
    usage: Json;
    currentPeriodEnd: string;
    cancelAtPeriodEnd: boolean;
  };
}

const invite = (cookie: string) => call(cookie, 'POST', '/api/team/invites', { email: `inv-${randomUUID()}@example.com`, rank: 'crew' });
const newClient = (cookie: string) =>
  call(cookie, 'POST', '/api/clients', { email: `cl-${randomUUID()}@example.com`, firstName: 'Ada', lastName: 'Bill' });

describe('billing with Stripe (a real deployment)', () => {
  beforeAll(async () => {
    stripe = await startStripeServer();
    db = await seededPostgres('fuse_billing');
    const stripeEnv = {
      STRIPE_SECRET_KEY: 'sk_test_fuse',
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_PRICE_PRO: PRICES.pro,
      STRIPE_PRICE_BUSINESS: PRICES.business,
      STRIPE_API_BASE: stripe.url,
    };
    [app, unconfigured] = await Promise.all([
      startAppServer(baseEnv({ DATABASE_URL: db.url, ...stripeEnv })),
      startAppServer(baseEnv({ DATABASE_URL: db.url })),
    ]);
  });
  afterAll(async () => {
    await app?.stop();
    await unconfigured?.stop();
    await db?.pool.end();
    await db?.drop();
    await stripe?.stop();
  });

  it('checkout: a subscription-mode session for the plan’s price, on a customer created once, the business id in the subscription’s metadata', async () => {
    const { cookie, businessId } = await newBusiness('checkout');
    const first = await call(cookie, 'POST', '/api/billing/checkout', { plan: 'pro' });
    expect(first.status).toBe(200);
    expect(first.body.url).toMatch(/^https:\/\/checkout\.stripe\.test\/c\/pay\/cs_test_/);
    const second = await call(cookie, 'POST', '/api/billing/checkout', { plan: 'business' });
    expect(second.status).toBe(200);

    const customers = requestsFor(businessId, '/v1/customers');
    expect(customers).toHaveLength(1);
    expect(customers[0]!.form['metadata[businessId]']).toBe(businessId);
    expect(customers[0]!.headers['idempotency-key']).toBe(`fuse-customer-${businessId}`);
    expect(customers[0]!.headers.authorization).toBe('Bearer sk_test_fuse');
    const sessions = requestsFor(businessId, '/v1/checkout/sessions');
    expect(sessions).toHaveLength(2);
    const customerId = sessions[0]!.form.customer;
    expect(customerId).toMatch(/^cus_test_/);
    for (const [i, price] of [PRICES.pro, PRICES.business].entries()) {
      expect(sessions[i]!.form).toMatchObject({
        mode: 'subscription',
        customer: customerId,
        client_reference_id: businessId,
        'line_items[0][price]': price,
        'line_items[0][quantity]': '1',
        'subscription_data[metadata][businessId]': businessId,
      });
      expect(sessions[i]!.form.success_url).toBe(`${app.url}/dashboard/settings/billing?checkout=success`);
    }

    const portal = await call(cookie, 'POST', '/api/billing/portal');
    expect(portal.status).toBe(200);
    expect(portal.body.url).toMatch(/^https:\/\/billing\.stripe\.test\/p\/session\//);
    const portalRequest = stripe.requests.filter((r) => r.path === '/v1/billing_portal/sessions').at(-1)!;
    expect(portalRequest.form).toEqual({ customer: customerId, return_url: `${app.url}/dashboard/settings/billing` });
    // The test checkout does not exist beside Stripe.
    expect((await call(cookie, 'POST', '/api/billing/test-checkout', { action: 'pay', plan: 'pro' })).status).toBe(404);
  });

  it('two checkouts at once while Stripe is slow: one customer, both sessions on it, the subscription row never locked meanwhile', async () => {
    const { cookie, businessId } = await newBusiness('slow');
    const held = stripe.hold('/v1/customers');
    let checkouts: Promise<Awaited<ReturnType<typeof call>>[]>;
    try {
      checkouts = Promise.all([
        call(cookie, 'POST', '/api/billing/checkout', { plan: 'pro' }),
        call(cookie, 'POST', '/api/billing/checkout', { plan: 'business' }),
      ]);
      await held.arrived(1);
      // While Stripe has not answered, anyone else may lock the row (a client or member create).
      const other = await db.pool.connect();
      try {
        await other.query('begin');
        const locked = await other.query('select business_id from subscriptions where business_id = $1 for update nowait', [businessId]);
        expect(locked.rows).toHaveLength(1);
        await other.query('rollback');
      } finally {
        other.release();
      }
      expect((await newClient(cookie)).status).toBe(201);
      await held.arrived(2);
    } finally {
      held.release();
    }
    const results = await checkouts;
    expect(results.map((r) => r.status)).toEqual([200, 200]);

    const stored = await db.pool.query('select stripe_customer_id from subscriptions where business_id = $1', [businessId]);
    const customerId = stored.rows[0].stripe_customer_id as string;
    expect(customerId).toMatch(/^cus_test_/);
    expect(stripe.customers.filter((c) => c.businessId === businessId)).toEqual([{ id: customerId, businessId }]);
    const sessions = requestsFor(businessId, '/v1/checkout/sessions');
    expect(sessions.map((r) => r.form.customer)).toEqual([customerId, customerId]);
    // A later checkout reuses it without asking Stripe again.
    const asked = requestsFor(businessId, '/v1/customers').length;
    expect((await call(cookie, 'POST', '/api/billing/checkout', { plan: 'pro' })).status).toBe(200);
    expect(requestsFor(businessId, '/v1/customers')).toHaveLength(asked);
  });

  it('refuses hostile checkout bodies with a 400 and sends nothing to Stripe', async () => {
    const { cookie, businessId } = await newBusiness('hostile');
    const before = stripe.requests.length;
    for (const body of [
      {},
      { plan: 'free' },
      { plan: 'enterprise' },
      { plan: 'PRO' },
      { plan: ['pro'] },
      { plan: { $ne: null } },
      { plan: 'pro', price: 'price_cheap' },
      { plan: 'pro\u0000' },
      'pro',
      null,
    ]) {
      const res = await call(cookie, 'POST', '/api/billing/checkout', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect(stripe.requests.length).toBe(before);
    expect(requestsFor(businessId, '/v1/customers')).toHaveLength(0);
    // No customer yet: nothing to manage.
    expect((await call(cookie, 'POST', '/api/billing/portal')).status).toBe(404);
  });

  it('webhook: a missing, wrong, tampered or expired signature is a 400 and changes nothing; it needs no Origin or session', async () => {
    const { cookie, businessId } = await newBusiness('signature');
    const payload = JSON.stringify(
      event(
        'customer.subscription.created',
        now(),
        subscription(businessId, { id: 'sub_sig', customer: 'cus_sig', status: 'active', price: PRICES.business, periodEnd: now() + 30 * DAY }),
      ),
    );
    const post = (headers: Record<string, string>, body = payload) =>
      fetch(`${app.url}/api/billing/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const attempts: Record<string, string>[] = [
      {},
      { 'stripe-signature': signed(payload, { secret: 'whsec_someone_else' }) },
      { 'stripe-signature': signed(payload, { timestamp: now() - 3600 }) },
      { 'stripe-signature': 't=1,v1=deadbeef' },
      { 'stripe-signature': 'garbage' },
    ];
    for (const headers of attempts) {
      const res = await post(headers);
      expect(res.status, JSON.stringify(headers)).toBe(400);
    }
    const tampered = payload.replace(PRICES.business, PRICES.pro);
    expect((await post({ 'stripe-signature': signed(payload) }, tampered)).status).toBe(400);
    expect((await billing(cookie)).plan).toBe('free');
    // Too large for an event: refused before anything is read into the database.
    expect((await post({ 'stripe-signature': signed(payload) }, 'x'.repeat(300 * 1024))).status).toBe(413);

    // Stripe posts from its own servers: a foreign Origin is no reason to refuse a signed event.
    const ok = await post({ 'stripe-signature': signed(payload), origin: 'https://stripe.example', 'sec-fetch-site': 'cross-site' });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ received: true, outcome: 'applied' });
    expect((await billing(cookie)).plan).toBe('business');
  });

  it('concurrent deliveries of one event: exactly one applies it', async () => {
    const { cookie, businessId } = await newBusiness('concurrent');
    const once = event(
      'customer.subscription.created',
      now(),
      subscription(businessId, { id: 'sub_once', customer: 'cus_once', status: 'active', price: PRICES.pro, periodEnd: now() + 30 * DAY }),
    );
    const results = await Promise.all(Array.from({ length: 8 }, () => deliver(once)));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(results.filter((r) => r.body.outcome === 'applied')).toHaveLength(1);
    expect(results.filter((r) => r.body.outcome === 'duplicate')).toHaveLength(7);
    const changes = await db.pool.query(`select count(*)::int as n from outbox where business_id = $1 and domain = 'billing'`, [businessId]);
    expect(changes.rows[0].n).toBe(1);
    expect((await billing(cookie)).plan).toBe('pro');
  });

  it('a business goes free → pro → past due → canceled through real requests', async () => {
    const { cookie, businessId } = await newBusiness('journey');
    // Free: the captain and four open invites are the five members; the sixth is a 402.
    expect(await billing(cookie)).toMatchObject({
      plan: 'free',
      status: 'active',
      limits: { clients: 100, members: 5 },
      usage: { clients: 0, members: 1 },
    });
    for (let i = 0; i < 4; i++) expect((await invite(cookie)).status).toBe(201);
    const refused = await invite(cookie);
    expect(refused.status).toBe(402);
    expect(refused.body).toMatchObject({ limit: 'members', upgradeUrl: '/dashboard/settings/billing' });
    expect(refused.body.error).toMatch(/Free plan allows 5 members/);

    // Checkout, then Stripe's events for the payment.
    expect((await call(cookie, 'POST', '/api/billing/checkout', { plan: 'pro' })).status).toBe(200);
    const customer = requestsFor(businessId, '/v1/checkout/sessions')[0]!.form.customer!;
    const start = now() - 20 * DAY;
    const sub = (status: string, price = PRICES.pro) =>
      subscription(businessId, { id: 'sub_journey', customer, status, price, periodEnd: start + 30 * DAY });
    const completed = event('checkout.session.completed', start, {
      id: 'cs_journey',
      object: 'checkout.session',
      mode: 'subscription',
      customer,
      subscription: 'sub_journey',
      payment_status: 'paid',
      client_reference_id: businessId,
      metadata: { businessId, plan: 'pro' },
    });
    expect((await deliver(completed)).body.outcome).toBe('applied');
    const created = event('customer.subscription.created', start, sub('active'));
    expect((await deliver(created)).body.outcome).toBe('applied');
    expect(await billing(cookie)).toMatchObject({ plan: 'pro', status: 'active', limits: { clients: 10_000, members: 25 }, writable: true });
    expect((await billing(cookie)).currentPeriodEnd).toBe(new Date((start + 30 * DAY) * 1000).toISOString());
    expect((await invite(cookie)).status).toBe(201);
    // The same event again: applied once.
    expect(await deliver(created)).toEqual({ status: 200, body: { received: true, outcome: 'duplicate' } });

    // A payment fails eight days ago: the seven days of grace are over, writes are 402, reads go on.
    const failed = event('invoice.payment_failed', now() - 8 * DAY, invoice(businessId, 'sub_journey', customer));
    expect((await deliver(failed)).body.outcome).toBe('applied');
    expect(await billing(cookie)).toMatchObject({ plan: 'pro', status: 'past_due', writable: false });
    const paused = await newClient(cookie);
    expect(paused.status).toBe(402);
    expect(paused.body).toMatchObject({ limit: 'payment', upgradeUrl: '/dashboard/settings/billing' });
    expect((await call(cookie, 'GET', '/api/clients')).status).toBe(200);
    expect((await call(cookie, 'GET', '/api/team')).status).toBe(200);
    // Stripe's older "active" update arriving late does not undo it.
    expect((await deliver(event('customer.subscription.updated', start + DAY, sub('active')))).body.outcome).toBe('stale');
    expect((await billing(cookie)).status).toBe('past_due');

    // Canceled: back to free; the data stays readable, creates over the free limits are refused.
    expect((await deliver(event('customer.subscription.deleted', now() - DAY, sub('canceled')))).body.outcome).toBe('applied');
    expect(await billing(cookie)).toMatchObject({ plan: 'free', status: 'canceled', writable: true, usage: { members: 6 } });
    expect((await invite(cookie)).status).toBe(402);
    expect((await call(cookie, 'GET', '/api/team')).status).toBe(200);
    expect((await newClient(cookie)).status).toBe(201);

    // Every applied change reached the outbox (what open pages receive live).
    const changes = await db.pool.query(
      `select data->>'plan' as plan, data->>'status' as status from outbox where business_id = $1 and domain = 'billing' order by id`,
      [businessId],
    );
    expect(changes.rows.map((r: { plan: string; status: string }) => `${r.plan}/${r.status}`)).toEqual([
      'pro/active',
      'pro/active',
      'pro/past_due',
      'free/canceled',
    ]);
  });

  it('a real deployment without Stripe keys refuses checkout (503); there is no test checkout and no webhook', async () => {
    const cookie = await signInCookie(unconfigured.url, CAPTAIN, DEMO_PASSWORD);
    const checkout = await call(cookie, 'POST', '/api/billing/checkout', { plan: 'business' }, unconfigured);
    expect(checkout.status).toBe(503);
    expect(checkout.body.error).toMatch(/Billing is not configured/);
    expect((await call(cookie, 'POST', '/api/billing/test-checkout', { action: 'pay', plan: 'business' }, unconfigured)).status).toBe(404);
    expect((await call(cookie, 'GET', '/api/billing', undefined, unconfigured)).body).toMatchObject({ provider: 'none', plan: 'business' });
    const hook = await fetch(`${unconfigured.url}/api/billing/webhook`, { method: 'POST', body: '{}', headers: { 'stripe-signature': 't=1,v1=x' } });
    expect(hook.status).toBe(503);
  });
});
