import { beforeAll, describe, expect, inject, it } from 'vitest';
import { ACTIONS, can, type Action } from '@/fuse/auth/permissions';
import { RANKS, type Rank } from '@/fuse/auth/schema-types';
import { call, cookieOf, DEMO_USERS, signInAs, uniqueEmail } from './ranks-helpers';
// fuse new-domain: imports (`npm run fuse -- new-domain` adds what its scenarios use above this line)

const baseUrl = inject('baseUrl');
const NEW_MEMBER_PASSWORD = 'rank-matrix-pass-42';

const cookies = {} as Record<Rank, string>;
let harbor = '';
let lighthouse = '';

async function json<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

/** A fresh crew member of the captain's business (invite + accept), to change ranks of. */
async function newCrewMember(): Promise<string> {
  const invite = await call(baseUrl, cookies.captain, 'POST', '/api/team/invites', { email: uniqueEmail('matrix'), rank: 'crew' });
  expect(invite.status).toBe(201);
  const { link } = await json<{ link: string }>(invite);
  const token = new URL(link).searchParams.get('token');
  const accepted = await call(baseUrl, null, 'POST', '/api/team/invites/accept', { token, name: 'Matrix Member', password: NEW_MEMBER_PASSWORD });
  expect(accepted.status).toBe(200);
  cookieOf(accepted);
  const team = await json<{ members: { userId: string; name: string; rank: string }[] }>(await call(baseUrl, cookies.captain, 'GET', '/api/team'));
  return team.members.filter((m) => m.name === 'Matrix Member' && m.rank === 'crew').at(-1)!.userId;
}

async function newDraft(): Promise<number> {
  const clients = await json<{ items: { id: number }[] }>(await call(baseUrl, cookies.captain, 'GET', '/api/clients?limit=1'));
  const res = await call(baseUrl, cookies.captain, 'POST', '/api/invoices', { clientId: clients.items[0]!.id, amount: '10.00' });
  expect(res.status).toBe(201);
  return (await json<{ id: number }>(res)).id;
}

async function newClientId(): Promise<number> {
  const res = await call(baseUrl, cookies.captain, 'POST', '/api/clients', {
    email: uniqueEmail('mx-archive'),
    firstName: 'Mx',
    lastName: 'Archive',
  });
  expect(res.status).toBe(201);
  return (await json<{ id: number }>(res)).id;
}

async function newCrewInvite(): Promise<number> {
  const res = await call(baseUrl, cookies.captain, 'POST', '/api/team/invites', { email: uniqueEmail('mx-revoke'), rank: 'crew' });
  expect(res.status).toBe(201);
  return (await json<{ invite: { id: number } }>(res)).invite.id;
}

async function firstClientId(): Promise<number> {
  const list = await json<{ items: { id: number }[] }>(await call(baseUrl, cookies.captain, 'GET', '/api/clients?limit=1'));
  return list.items[0]!.id;
}

/** Status only: a large answer (the export) is not read. */
async function statusOf(res: Promise<Response>): Promise<Response> {
  const r = await res;
  await r.body?.cancel();
  return r;
}

/**
 * One request per action of the permission table: what the app answers when the rank may (`allowed`)
 * and may not (`refused`, 403 unless said) do it. Typed by the table's actions, so a new action
 * without a request here does not compile; the expected status of each rank comes from `can`.
 */
type Scenario = { run: (cookie: string | null) => Promise<Response>; allowed: number; refused?: number; signedOut?: number };

const SCENARIOS: Record<Action, Scenario> = {
  'clients.read': { run: (c) => call(baseUrl, c, 'GET', '/api/clients'), allowed: 200 },
  'clients.create': {
    run: (c) => call(baseUrl, c, 'POST', '/api/clients', { email: uniqueEmail('mx-client'), firstName: 'Mx', lastName: 'Client' }),
    allowed: 201,
  },
  'clients.edit': { run: async (c) => call(baseUrl, c, 'PATCH', `/api/clients/${await firstClientId()}`, { company: 'Matrix Co' }), allowed: 200 },
  'clients.archive': { run: async (c) => call(baseUrl, c, 'DELETE', `/api/clients/${await newClientId()}`), allowed: 200 },
  'finance.read': { run: (c) => call(baseUrl, c, 'GET', '/api/invoices?summary=1'), allowed: 200 },
  'finance.create': {
    run: async (c) => call(baseUrl, c, 'POST', '/api/invoices', { clientId: await firstClientId(), amountCents: 1_234 }),
    allowed: 201,
  },
  'finance.edit': { run: async (c) => call(baseUrl, c, 'PATCH', `/api/invoices/${await newDraft()}`, { action: 'send' }), allowed: 200 },
  'team.read': { run: (c) => call(baseUrl, c, 'GET', '/api/team'), allowed: 200 },
  'team.invite': { run: (c) => call(baseUrl, c, 'POST', '/api/team/invites', { email: uniqueEmail('mx-invite'), rank: 'crew' }), allowed: 201 },
  'team.revokeInvite': { run: async (c) => call(baseUrl, c, 'DELETE', `/api/team/invites/${await newCrewInvite()}`), allowed: 200 },
  'team.changeRank': { run: async (c) => call(baseUrl, c, 'PATCH', `/api/team/members/${await newCrewMember()}`, { rank: 'captain' }), allowed: 200 },
  'team.remove': { run: async (c) => call(baseUrl, c, 'DELETE', `/api/team/members/${await newCrewMember()}`), allowed: 200 },
  'settings.read': { run: (c) => call(baseUrl, c, 'GET', '/api/settings'), allowed: 200 },
  'settings.editProfile': { run: (c) => call(baseUrl, c, 'PATCH', '/api/settings', { theme: 'light' }), allowed: 200 },
  'settings.editBusiness': {
    run: (c) => call(baseUrl, c, 'PATCH', '/api/settings', { businessName: 'Harbor & Co', timezone: 'UTC' }),
    allowed: 200,
  },
  'billing.read': { run: (c) => call(baseUrl, c, 'GET', '/api/billing'), allowed: 200 },
  // The local provider's portal (the test server has no Stripe key): the page to manage the plan.
  'billing.manage': { run: (c) => call(baseUrl, c, 'POST', '/api/billing/portal'), allowed: 200 },
  'data.export': { run: (c) => statusOf(call(baseUrl, c, 'GET', '/api/export')), allowed: 200 },
  // The platform's metrics: anyone else is asked for the metrics token.
  'admin.read': { run: (c) => statusOf(call(baseUrl, c, 'GET', '/api/metrics')), allowed: 200, refused: 401 },
  // fuse new-domain: scenarios (`npm run fuse -- new-domain` adds a domain's actions above this line)
};

/** Rules the table does not hold: relative to the ranks involved, or to membership. Written out by hand. */
type Extra = { name: string; run: (cookie: string | null) => Promise<Response>; expect: Record<Rank, number> };
const all = (status: number): Record<Rank, number> => ({ crew: status, captain: status, commodore: status, admiral: status });
const EXTRAS: Extra[] = [
  {
    name: 'invite a commodore (up to one’s own rank)',
    run: (c) => call(baseUrl, c, 'POST', '/api/team/invites', { email: uniqueEmail('mx-invite'), rank: 'commodore' }),
    expect: { crew: 403, captain: 403, commodore: 201, admiral: 403 },
  },
  { name: 'read a page of invoices', run: (c) => call(baseUrl, c, 'GET', '/api/invoices'), expect: all(200) },
  { name: 'list own businesses', run: (c) => call(baseUrl, c, 'GET', '/api/business'), expect: all(200) },
  {
    name: 'switch to the second business (a member of it, or the admiral)',
    run: (c) => call(baseUrl, c, 'POST', '/api/business/switch', { businessId: lighthouse }),
    expect: { crew: 404, captain: 404, commodore: 200, admiral: 200 },
  },
];

describe('ranks × actions through the API', () => {
  beforeAll(async () => {
    for (const rank of RANKS) cookies[rank] = await signInAs(baseUrl, DEMO_USERS[rank]);
    const list = await json<{ businesses: { businessId: string; name: string }[] }>(await call(baseUrl, cookies.commodore, 'GET', '/api/business'));
    harbor = list.businesses.find((b) => b.name === 'Harbor & Co')!.businessId;
    lighthouse = list.businesses.find((b) => b.name === 'Lighthouse Supply')!.businessId;
    // The commodore holds two businesses: act in Harbor & Co like the others.
    const switched = await call(baseUrl, cookies.commodore, 'POST', '/api/business/switch', { businessId: harbor });
    expect(switched.status).toBe(200);
    cookies.commodore = cookieOf(switched);
    for (const rank of RANKS) {
      const who = await json<{ business: { id: string } }>(await call(baseUrl, cookies[rank], 'GET', '/api/settings'));
      expect(who.business.id, rank).toBe(harbor);
    }
  });

  for (const action of ACTIONS) {
    const scenario = SCENARIOS[action];
    const expected = Object.fromEntries(RANKS.map((r) => [r, can(r, action) ? scenario.allowed : (scenario.refused ?? 403)]));
    it(`${action}: ${RANKS.map((r) => `${r} ${expected[r]}`).join(', ')}; signed out ${scenario.signedOut ?? 401}`, async () => {
      const got: Record<string, number> = {};
      for (const rank of RANKS) got[rank] = (await scenario.run(cookies[rank])).status;
      expect(got).toEqual(expected);
      expect((await scenario.run(null)).status).toBe(scenario.signedOut ?? 401);
    });
  }

  for (const extra of EXTRAS) {
    it(`${extra.name}: ${RANKS.map((r) => `${r} ${extra.expect[r]}`).join(', ')}; signed out 401`, async () => {
      const got: Record<string, number> = {};
      for (const rank of RANKS) got[rank] = (await extra.run(cookies[rank])).status;
      expect(got).toEqual(extra.expect);
      expect((await extra.run(null)).status).toBe(401);
    });
  }

  it("switches the commodore's session to the other business without signing in again", async () => {
    const res = await call(baseUrl, cookies.commodore, 'POST', '/api/business/switch', { businessId: lighthouse });
    expect(await res.json()).toEqual({ businessId: lighthouse, rank: 'commodore' });
    const cookie = cookieOf(res);
    const settings = await json<{ business: { name: string } }>(await call(baseUrl, cookie, 'GET', '/api/settings'));
    expect(settings.business.name).toBe('Lighthouse Supply');
    const clients = await json<{ items: { email: string }[] }>(await call(baseUrl, cookie, 'GET', '/api/clients?status=active'));
    expect(clients.items.length).toBeGreaterThan(0);
    expect(clients.items.every((c) => c.email.endsWith('@lighthouse.example'))).toBe(true);
  });

  it('gives the admiral a read-only support view of any business', async () => {
    const res = await call(baseUrl, cookies.admiral, 'POST', '/api/business/switch', { businessId: lighthouse });
    const cookie = cookieOf(res);
    expect((await call(baseUrl, cookie, 'GET', '/api/invoices?summary=1')).status).toBe(200);
    expect((await call(baseUrl, cookie, 'GET', '/api/team')).status).toBe(200);
    expect((await call(baseUrl, cookie, 'POST', '/api/clients', { email: uniqueEmail('adm'), firstName: 'A', lastName: 'B' })).status).toBe(403);
    expect((await call(baseUrl, cookie, 'PATCH', '/api/settings', { businessName: 'Taken over' })).status).toBe(403);
  });
});
