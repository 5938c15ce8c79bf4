import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer, startSeededEmbeddedDatabase, type AppServer } from '../setup/app-server';
import { baseEnv, cookieFrom } from './hardening-support';

/**
 * Accounts and invites against a production build with low limits: 5 failed passwords (and 5
 * sign-ups, 5 invite lookups) per address a minute, 10 failed passwords per account, 3 invites per
 * inviter an hour. Requests come "through a proxy" on loopback that names the client, so each test
 * picks its addresses.
 */
const METRICS_TOKEN = 'accounts-metrics-token-0123456789';
const PASSWORD = 'tide-and-anchor-42';
const NUL_MESSAGE = 'Remove the NUL character (\\u0000): it cannot be stored.';

let db: Awaited<ReturnType<typeof startSeededEmbeddedDatabase>>;
let app: AppServer;
let addresses = 0;
const secrets: string[] = [];

/** A client address not used before in this file. */
function fromNewAddress(): Record<string, string> {
  addresses++;
  return { 'x-forwarded-for': `198.18.${addresses >> 8}.${addresses & 255}` };
}

function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${app.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const signIn = (email: string, password: string, headers = fromNewAddress()) => post('/api/auth/sign-in', { email, password }, headers);
const accept = (token: string, password: string, headers = fromNewAddress()) => post('/api/team/invites/accept', { token, password }, headers);

async function signUp(label: string): Promise<{ email: string; cookie: string }> {
  const email = `${label}-${randomUUID()}@example.com`;
  const res = await post('/api/auth/sign-up', { email, password: PASSWORD, name: label, businessName: `${label} Ltd` }, fromNewAddress());
  expect(res.status).toBe(201);
  return { email, cookie: cookieFrom(res)! };
}

/** The invite token a captain gets back (no SMTP: the link is in the answer). */
async function invite(cookie: string, email: string): Promise<string> {
  const res = await post('/api/team/invites', { email, rank: 'crew' }, { cookie });
  expect(res.status).toBe(201);
  const token = new URL(((await res.json()) as { link: string }).link).searchParams.get('token')!;
  secrets.push(token.split('.').at(-1)!);
  return token;
}

async function team(cookie: string) {
  const res = await fetch(`${app.url}/api/team`, { headers: { cookie } });
  return (await res.json()) as { members: { email: string; rank: string }[]; invites: { email: string }[] };
}

async function statuses(n: number, attempt: (i: number) => Promise<Response>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const res = await attempt(i);
    await res.arrayBuffer();
    out.push(res.status);
  }
  return out;
}

beforeAll(async () => {
  db = await startSeededEmbeddedDatabase();
  app = await startAppServer(
    baseEnv({
      FUSE_EMBEDDED_DATABASE_URL: db.url,
      FUSE_ALLOW_EMBEDDED: '1',
      DATABASE_URL: '',
      TRUSTED_PROXIES: '127.0.0.1',
      AUTH_RATE_LIMIT_MAX: '5',
      AUTH_ACCOUNT_RATE_LIMIT_MAX: '10',
      INVITE_RATE_LIMIT_MAX: '3',
      METRICS_TOKEN,
      LOG_LEVEL: 'info',
    }),
  );
});

afterAll(async () => {
  await app?.stop();
  await db?.stop();
});

describe('accepting an invite for an existing account is not a password oracle', () => {
  it('wrong passwords spend the account budget: 10 guesses from rotating addresses, then 429 — for the right password and for sign-in too', async () => {
    const attacker = await signUp('attacker');
    const victim = await signUp('victim');
    const token = await invite(attacker.cookie, victim.email);
    const guesses = await statuses(12, (i) => accept(token, `guess-${i}-wrong`));
    expect(guesses).toEqual([...Array(10).fill(401), 429, 429]);
    expect((await accept(token, PASSWORD)).status).toBe(429);
    // One account budget for both routes: sign-in is throttled by the guesses made through the invite.
    expect((await signIn(victim.email, PASSWORD)).status).toBe(429);
    // No guess claimed the invite.
    expect((await team(attacker.cookie)).invites.map((i) => i.email)).toContain(victim.email);
    expect((await team(attacker.cookie)).members.map((m) => m.email)).not.toContain(victim.email);
  });

  it('failed sign-ins count against invite acceptance (the same account budget)', async () => {
    const attacker = await signUp('attacker2');
    const victim = await signUp('victim2');
    const token = await invite(attacker.cookie, victim.email);
    expect(await statuses(7, (i) => signIn(victim.email, `wrong-${i}-pass`))).toEqual(Array(7).fill(401));
    expect(await statuses(4, (i) => accept(token, `wrong-${i}-pass`))).toEqual([401, 401, 401, 429]);
    expect((await accept(token, PASSWORD)).status).toBe(429);
  });

  it('one address: failed sign-ins and failed acceptances share its budget; a wrong password leaves the invite open', async () => {
    const attacker = await signUp('attacker3');
    const victim = await signUp('victim3');
    const token = await invite(attacker.cookie, victim.email);
    const one = fromNewAddress();
    expect(await statuses(3, (i) => signIn(`nobody-${i}@example.com`, 'whatever-1234', one))).toEqual([401, 401, 401]);
    expect(await statuses(2, (i) => accept(token, `wrong-${i}-pass`, one))).toEqual([401, 401]);
    expect((await accept(token, PASSWORD, one)).status).toBe(429);
    // From elsewhere the account's owner still gets in: each wrong guess was rolled back.
    const joined = await accept(token, PASSWORD);
    expect(joined.status).toBe(200);
    expect(cookieFrom(joined)).toBeTruthy();
    const after = await team(attacker.cookie);
    expect(after.members.filter((m) => m.email === victim.email).map((m) => m.rank)).toEqual(['crew']);
    expect(after.invites.map((i) => i.email)).not.toContain(victim.email);
  });
});

describe('account enumeration: what stays observable is rate limited', () => {
  it('the join page (which shows whether the address has an account) and acceptance count against one budget per address', async () => {
    const captain = await signUp('joincap');
    const existing = await signUp('joinee');
    const token = await invite(captain.cookie, existing.email);
    const one = fromNewAddress();
    const page = async (headers: Record<string, string>) => (await fetch(`${app.url}/join?token=${encodeURIComponent(token)}`, { headers })).text();
    for (let i = 0; i < 5; i++) expect(await page(one)).toContain('Your password');
    const refused = await page(one);
    expect(refused).toContain('Too many attempts');
    expect(refused).not.toContain('Your password');
    expect((await accept(token, PASSWORD, one)).status).toBe(429);
    expect(await page(fromNewAddress())).toContain('Your password');
  });

  it('invites are limited per inviter and per business (3 an hour here)', async () => {
    const captain = await signUp('manyinvites');
    for (let i = 0; i < 3; i++) await invite(captain.cookie, `probe-${i}-${randomUUID()}@example.com`);
    const over = await post('/api/team/invites', { email: `probe-over-${randomUUID()}@example.com`, rank: 'crew' }, { cookie: captain.cookie });
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('sign-up answers "already exists", at most 5 times a minute per address', async () => {
    const taken = await signUp('taken');
    const one = fromNewAddress();
    const tries = await statuses(6, () =>
      post('/api/auth/sign-up', { email: taken.email, password: PASSWORD, name: 'X', businessName: 'X Ltd' }, one),
    );
    expect(tries).toEqual([400, 400, 400, 400, 400, 429]);
  });
});

describe('input that used to be a 500', () => {
  it('a NUL character in a name is a 400 naming the field; nothing about the account reaches the log', async () => {
    const email = `nul-${randomUUID()}@example.com`;
    const res = await post('/api/auth/sign-up', { email, password: PASSWORD, name: 'Evil\u0000Name', businessName: 'Nul Ltd' }, fromNewAddress());
    expect(res.status).toBe(400);
    expect(((await res.json()) as { fields: Record<string, string> }).fields).toEqual({ name: NUL_MESSAGE });
    const captain = await signUp('nulcap');
    const client = await post(
      '/api/clients',
      { email: `c-${randomUUID()}@example.com`, firstName: 'Cy\u0000', lastName: 'Lee' },
      { cookie: captain.cookie },
    );
    expect(client.status).toBe(400);
    expect(((await client.json()) as { fields: Record<string, string> }).fields.firstName).toBe(NUL_MESSAGE);
    const token = await invite(captain.cookie, `nul-invitee-${randomUUID()}@example.com`);
    const joined = await post('/api/team/invites/accept', { token, name: 'New\u0000Member', password: PASSWORD }, fromNewAddress());
    expect(joined.status).toBe(400);
    const output = app.output();
    expect(output).not.toContain(email);
    expect(output).not.toContain('$argon2');
    expect(output).not.toContain('Failed query');
  });

  it('150,000 nested arrays with an Idempotency-Key: a 400 every time, nothing captured', async () => {
    const captain = await signUp('deepjson');
    const errorsCaptured = async () => {
      const text = await (await fetch(`${app.url}/api/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } })).text();
      return Number(/^fuse_errors_total\{source="server"\} (\d+)/m.exec(text)?.[1] ?? 0);
    };
    const before = await errorsCaptured();
    const deep = '['.repeat(150_000) + ']'.repeat(150_000);
    for (let i = 0; i < 3; i++) {
      const res = await post('/api/clients', deep, { cookie: captain.cookie, 'Idempotency-Key': `deep-${i}` });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/nested too deeply/);
    }
    // An ordinary idempotent create still works.
    const ok = await post(
      '/api/clients',
      { email: `d-${randomUUID()}@example.com`, firstName: 'Dee', lastName: 'P' },
      { cookie: captain.cookie, 'Idempotency-Key': 'shallow-1' },
    );
    expect(ok.status).toBe(201);
    expect(await errorsCaptured()).toBe(before);
    expect(app.output()).not.toMatch(/RangeError|error captured/);
  });
});

describe('secrets in logs', () => {
  it('an invite made without SMTP is logged without its link', async () => {
    const captain = await signUp('logcap');
    await invite(captain.cookie, `logged-${randomUUID()}@example.com`);
    const output = app.output();
    expect(output).toContain('team invite created');
    expect(output).not.toContain('/join?token=');
    for (const secret of secrets) expect(output).not.toContain(secret);
  });
});
