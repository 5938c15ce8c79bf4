import { beforeAll, describe, expect, inject, it } from 'vitest';
import { call, cookieOf, DEMO_USERS, signInAs, uniqueEmail } from './ranks-helpers';

const baseUrl = inject('baseUrl');
type Rank = 'crew' | 'captain' | 'commodore' | 'admiral';
const RANKS: Rank[] = ['crew', 'captain', 'commodore', 'admiral'];
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

type Action = { name: string; run: (cookie: string | null, rank: Rank | null) => Promise<Response>; expect: Record<Rank, number> };

const all = (status: number): Record<Rank, number> => ({ crew: status, captain: status, commodore: status, admiral: status });

const ACTIONS: Action[] = [
  { name: 'read clients', run: (c) => call(baseUrl, c, 'GET', '/api/clients'), expect: all(200) },
  {
    name: 'create a client',
    run: (c) => call(baseUrl, c, 'POST', '/api/clients', { email: uniqueEmail('mx-client'), firstName: 'Mx', lastName: 'Client' }),
    expect: { crew: 201, captain: 201, commodore: 201, admiral: 403 },
  },
  {
    name: 'edit a client',
    run: async (c) => {
      const list = await json<{ items: { id: number }[] }>(await call(baseUrl, cookies.captain, 'GET', '/api/clients?limit=1'));
      return call(baseUrl, c, 'PATCH', `/api/clients/${list.items[0]!.id}`, { company: 'Matrix Co' });
    },
    expect: { crew: 403, captain: 200, commodore: 200, admiral: 403 },
  },
  { name: 'read invoices', run: (c) => call(baseUrl, c, 'GET', '/api/invoices'), expect: all(200) },
  { name: 'read the finance summary', run: (c) => call(baseUrl, c, 'GET', '/api/invoices?summary=1'), expect: all(200) },
  {
    name: 'create an invoice',
    run: async (c) => {
      const list = await json<{ items: { id: number }[] }>(await call(baseUrl, cookies.captain, 'GET', '/api/clients?limit=1'));
      return call(baseUrl, c, 'POST', '/api/invoices', { clientId: list.items[0]!.id, amountCents: 1_234 });
    },
    expect: { crew: 403, captain: 201, commodore: 201, admiral: 403 },
  },
  {
    name: 'send an invoice',
    run: async (c) => call(baseUrl, c, 'PATCH', `/api/invoices/${await newDraft()}`, { action: 'send' }),
    expect: { crew: 403, captain: 200, commodore: 200, admiral: 403 },
  },
  { name: 'read the team', run: (c) => call(baseUrl, c, 'GET', '/api/team'), expect: { crew: 403, captain: 200, commodore: 200, admiral: 200 } },
  {
    name: 'invite a crew member',
    run: (c) => call(baseUrl, c, 'POST', '/api/team/invites', { email: uniqueEmail('mx-invite'), rank: 'crew' }),
    expect: { crew: 403, captain: 201, commodore: 201, admiral: 403 },
  },
  {
    name: 'invite a commodore',
    run: (c) => call(baseUrl, c, 'POST', '/api/team/invites', { email: uniqueEmail('mx-invite'), rank: 'commodore' }),
    expect: { crew: 403, captain: 403, commodore: 201, admiral: 403 },
  },
  {
    name: "change a crew member's rank",
    run: async (c) => call(baseUrl, c, 'PATCH', `/api/team/members/${await newCrewMember()}`, { rank: 'captain' }),
    expect: { crew: 403, captain: 200, commodore: 200, admiral: 403 },
  },
  { name: 'read settings', run: (c) => call(baseUrl, c, 'GET', '/api/settings'), expect: all(200) },
  { name: 'change own theme', run: (c) => call(baseUrl, c, 'PATCH', '/api/settings', { theme: 'light' }), expect: all(200) },
  {
    name: 'change the business settings',
    run: (c) => call(baseUrl, c, 'PATCH', '/api/settings', { businessName: 'Harbor & Co', timezone: 'UTC' }),
    expect: { crew: 403, captain: 200, commodore: 200, admiral: 403 },
  },
  { name: 'list own businesses', run: (c) => call(baseUrl, c, 'GET', '/api/business'), expect: all(200) },
  {
    name: 'switch to the second business',
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
    it(`${action.name}: ${RANKS.map((r) => `${r} ${action.expect[r]}`).join(', ')}; signed out 401`, async () => {
      const got: Record<string, number> = {};
      for (const rank of RANKS) got[rank] = (await action.run(cookies[rank], rank)).status;
      expect(got).toEqual(action.expect);
      expect((await action.run(null, null)).status).toBe(401);
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

  it("gives the admiral a read-only support view of any business", async () => {
    const res = await call(baseUrl, cookies.admiral, 'POST', '/api/business/switch', { businessId: lighthouse });
    const cookie = cookieOf(res);
    expect((await call(baseUrl, cookie, 'GET', '/api/invoices?summary=1')).status).toBe(200);
    expect((await call(baseUrl, cookie, 'GET', '/api/team')).status).toBe(200);
    expect((await call(baseUrl, cookie, 'POST', '/api/clients', { email: uniqueEmail('adm'), firstName: 'A', lastName: 'B' })).status).toBe(403);
    expect((await call(baseUrl, cookie, 'PATCH', '/api/settings', { businessName: 'Taken over' })).status).toBe(403);
  });
});
