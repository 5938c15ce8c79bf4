import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SseEvent } from '../setup/sse';
import { createClientOverApi, isChange, newClientBody, openStream, type OpenStream } from './live-helpers';
import { call, cookieOf, DEMO_PASSWORD, DEMO_USERS, uniqueEmail } from './ranks-helpers';

const baseUrl = inject('baseUrl');

type Change = { id: number; domain: string; kind: string; entityId: string; data: Record<string, unknown> };
const changeOf = (e: SseEvent) => JSON.parse(e.data) as Change;

async function signInWithId(email: string): Promise<{ cookie: string; userId: string }> {
  const res = await call(baseUrl, null, 'POST', '/api/auth/sign-in', { email, password: DEMO_PASSWORD });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { user: { id: string } };
  return { cookie: cookieOf(res), userId: body.user.id };
}

/**
 * Crew may not read the team (GET /api/team is a 403), so its live stream, live or replayed, must
 * carry no team change and no one else's email; a captain's carries them. Demo business Harbor & Co.
 */
describe('GET /api/live delivers only what its reader may read', () => {
  let crew: { cookie: string; userId: string };
  let captain: { cookie: string; userId: string };
  let crewTheme: 'light' | 'dark';
  const streams: OpenStream[] = [];
  const track = (s: OpenStream) => (streams.push(s), s);

  /** What the team did in this round (emails the crew must never see), and the clients change that follows it. */
  let round: { before: number; emails: string[]; teamIds: number[]; profileId: number; marker: number };
  let crewLive: OpenStream;
  let captainLive: OpenStream;

  const waitFor = (s: OpenStream, id: number) => s.next((e) => isChange(e) && Number(e.id) === id, 10_000);
  const changes = (s: OpenStream) => s.events.filter(isChange).map(changeOf);

  function expectCrewView(s: OpenStream) {
    const got = changes(s);
    expect(got.filter((c) => c.domain === 'team')).toEqual([]);
    // Settings changes: the business's, or the crew member's own profile only.
    for (const c of got.filter((c) => c.domain === 'settings')) expect(c.kind === 'business' || c.entityId === crew.userId).toBe(true);
    const text = JSON.stringify(s.events);
    for (const email of round.emails) expect(text).not.toContain(email);
    expect(got.map((c) => c.id)).toContain(round.profileId);
  }

  function expectCaptainView(s: OpenStream) {
    const got = changes(s);
    const team = got.filter((c) => c.domain === 'team' && round.teamIds.includes(c.id));
    expect(team.map((c) => c.kind)).toEqual(['invite', 'invite', 'invite-revoked', 'joined', 'member']);
    expect(team[0]!.data.email).toBe(round.emails[0]);
    // The member change is the same for every reader: no actor's isYou / canChangeRank.
    const member = team[4]!;
    expect(member.data).toMatchObject({ email: round.emails[0], rank: 'captain' });
    expect(member.data).not.toHaveProperty('isYou');
    expect(member.data).not.toHaveProperty('canChangeRank');
    // Someone else's profile is not the captain's to see.
    expect(got.map((c) => c.id)).not.toContain(round.profileId);
  }

  beforeAll(async () => {
    crew = await signInWithId(DEMO_USERS.crew);
    captain = await signInWithId(DEMO_USERS.captain);
    expect((await call(baseUrl, crew.cookie, 'GET', '/api/team')).status).toBe(403);
    const settings = (await (await call(baseUrl, crew.cookie, 'GET', '/api/settings')).json()) as { profile: { theme: 'light' | 'dark' } };
    crewTheme = settings.profile.theme;

    const start = track(await openStream(baseUrl, captain.cookie));
    const before = JSON.parse(start.events.find((e) => e.event === 'ready')!.data).position as number;
    start.close();
    crewLive = track(await openStream(baseUrl, crew.cookie));
    captainLive = track(await openStream(baseUrl, captain.cookie));

    const invitee = uniqueEmail('live-access');
    const other = uniqueEmail('live-access-revoked');
    const invited = await call(baseUrl, captain.cookie, 'POST', '/api/team/invites', { email: invitee, rank: 'crew' });
    expect(invited.status).toBe(201);
    const { link } = (await invited.json()) as { link: string };
    const second = await call(baseUrl, captain.cookie, 'POST', '/api/team/invites', { email: other, rank: 'crew' });
    expect(second.status).toBe(201);
    const { invite } = (await second.json()) as { invite: { id: number } };
    expect((await call(baseUrl, captain.cookie, 'DELETE', `/api/team/invites/${invite.id}`)).status).toBeLessThan(300);
    const token = new URL(link).searchParams.get('token');
    const accepted = await call(baseUrl, null, 'POST', '/api/team/invites/accept', { token, name: 'Live Access', password: 'live-access-pass-42' });
    expect(accepted.status).toBe(200);
    const team = (await (await call(baseUrl, captain.cookie, 'GET', '/api/team')).json()) as { members: { userId: string; email: string }[] };
    const joined = team.members.find((m) => m.email === invitee)!;
    expect((await call(baseUrl, captain.cookie, 'PATCH', `/api/team/members/${joined.userId}`, { rank: 'captain' })).status).toBe(200);
    // The crew member's own theme: theirs to see, nobody else's.
    expect((await call(baseUrl, crew.cookie, 'PATCH', '/api/settings', { theme: crewTheme === 'dark' ? 'light' : 'dark' })).status).toBe(200);
    const client = await createClientOverApi(baseUrl, captain.cookie, newClientBody('live-access'));
    expect(client.status).toBe(201);
    const clientId = String(((await client.json()) as { id: number }).id);

    // Every change of the round is in each stream once the clients change is (one business's changes arrive in order).
    const isMarker = (e: SseEvent) => isChange(e) && changeOf(e).domain === 'clients' && changeOf(e).entityId === clientId;
    const marker = changeOf(await captainLive.next(isMarker, 10_000)).id;
    await crewLive.next(isMarker, 10_000);
    const teamIds = changes(captainLive)
      .filter((c) => c.domain === 'team')
      .map((c) => c.id);
    const profile = changes(crewLive).find((c) => c.domain === 'settings' && c.kind === 'profile' && c.entityId === crew.userId);
    round = { before, emails: [invitee, other], teamIds, profileId: profile?.id ?? -1, marker };
  });

  afterAll(async () => {
    streams.forEach((s) => s.close());
    await call(baseUrl, crew.cookie, 'PATCH', '/api/settings', { theme: crewTheme });
  });

  it('live: the crew stream gets no team change and no one else’s email; the captain stream gets them', () => {
    expect(round.teamIds).toHaveLength(5);
    expectCrewView(crewLive);
    expectCaptainView(captainLive);
    expect(changes(crewLive).map((c) => c.id)).toContain(round.marker);
  });

  it('replay after a position passes the same test', async () => {
    const crewReplay = track(await openStream(baseUrl, crew.cookie, { after: round.before }));
    const captainReplay = track(await openStream(baseUrl, captain.cookie, { lastEventId: round.before }));
    await waitFor(crewReplay, round.marker);
    await waitFor(captainReplay, round.marker);
    expectCrewView(crewReplay);
    expectCaptainView(captainReplay);
  });

  it('?after=0 replays the retained history without the team', async () => {
    const crewAll = track(await openStream(baseUrl, crew.cookie, { after: 0 }));
    // A replay, not a reload: the whole history is sent (filtered).
    expect(crewAll.events.some((e) => e.event === 'resync')).toBe(false);
    await waitFor(crewAll, round.marker);
    expectCrewView(crewAll);
    const captainAll = track(await openStream(baseUrl, captain.cookie, { after: 0 }));
    await waitFor(captainAll, round.marker);
    expectCaptainView(captainAll);
  });

  it('moves the crew past a team change with an id-only position event, so resuming replays nothing', async () => {
    const crewNow = track(await openStream(baseUrl, crew.cookie));
    const invited = await call(baseUrl, captain.cookie, 'POST', '/api/team/invites', { email: uniqueEmail('live-access-later'), rank: 'crew' });
    expect(invited.status).toBe(201);
    const hidden = changeOf(await captainLive.next((e) => isChange(e) && changeOf(e).kind === 'invite' && Number(e.id) > round.marker, 10_000)).id;
    // Told at the next heartbeat (every 10 s by default).
    const moved = await crewNow.next((e) => e.event === 'position', 15_000);
    expect(JSON.parse(moved.data)).toEqual({ position: hidden });
    expect(moved.id).toBe(String(hidden));
    expect(crewNow.events.filter(isChange)).toEqual([]);
    const resumed = track(await openStream(baseUrl, crew.cookie, { lastEventId: hidden }));
    const client = await createClientOverApi(baseUrl, captain.cookie, newClientBody('live-access-after'));
    const clientId = String(((await client.json()) as { id: number }).id);
    await resumed.next((e) => isChange(e) && changeOf(e).entityId === clientId, 10_000);
    expect(changes(resumed).map((c) => c.domain)).toEqual(['clients']);
  });
});
