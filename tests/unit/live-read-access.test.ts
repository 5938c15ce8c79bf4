import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { settingsSlice, type SettingsSlice } from '@/domains/settings/slice';
import type { TeamInitial } from '@/domains/team/queries';
import { teamSlice, type TeamSlice } from '@/domains/team/slice';
import { can } from '@/fuse/auth/permissions';
import { audienceIncludes, changeAudience, mayReadDomain, READ_ACCESS } from '@/fuse/auth/read-access';
import { RANKS, type Rank } from '@/fuse/auth/schema-types';
import { toEvent } from '@/fuse/live/hub';
import { encodePosition } from '@/fuse/live/sse';
import type { LiveChange, SessionSlice, SessionView, UiSlice } from '@/fuse/store/slices';

const OWNER = randomUUID();
const OTHER = randomUUID();

/**
 * What each rank receives of each kind of change, written out by hand (not read from the table):
 * `all` ranks, `captain+` (what GET /api/team allows), or `owner` (the user the change is about, whatever their rank).
 */
const EXPECTED: Record<string, Record<string, 'all' | 'captain+' | 'owner'>> = {
  billing: { subscription: 'all' },
  clients: { upsert: 'all' },
  finance: { upsert: 'all' },
  settings: { business: 'all', profile: 'owner' },
  team: { invite: 'captain+', 'invite-revoked': 'captain+', member: 'captain+', 'member-removed': 'captain+', joined: 'captain+' },
  // fuse new-domain: expected readers (`npm run fuse -- new-domain` adds a domain's kinds above this line)
};

function expectedFor(rule: 'all' | 'captain+' | 'owner', rank: Rank, userId: string): boolean {
  if (rule === 'all') return true;
  if (rule === 'captain+') return rank !== 'crew';
  return userId === OWNER;
}

describe('who reads a live change (src/fuse/auth/read-access.ts)', () => {
  it('lists exactly the domains and kinds the mutations record', () => {
    const listed = Object.fromEntries(Object.entries(READ_ACCESS).map(([d, r]) => [d, Object.keys(r.kinds).sort()]));
    expect(listed).toEqual(Object.fromEntries(Object.entries(EXPECTED).map(([d, kinds]) => [d, Object.keys(kinds).sort()])));
  });

  for (const [domain, kinds] of Object.entries(EXPECTED)) {
    for (const [kind, rule] of Object.entries(kinds)) {
      for (const rank of RANKS) {
        for (const [who, userId] of [
          ['owner', OWNER],
          ['another user', OTHER],
        ] as const) {
          const allowed = expectedFor(rule, rank, userId);
          it(`${domain} ${kind} → ${rank} (${who}): ${allowed ? 'delivered' : 'withheld'}`, () => {
            const audience = changeAudience({ domain, kind, entityId: OWNER });
            expect(audienceIncludes(audience, { userId, rank })).toBe(allowed);
            // The same decision for a change replayed from the outbox and one fanned out live: both go through toEvent.
            const event = toEvent({ id: 1, businessId: 'b', domain, kind, entityId: OWNER, data: {}, mutationId: null, at: '' });
            expect(audienceIncludes(event.audience, { userId, rank })).toBe(allowed);
          });
        }
      }
    }
  }

  it('delivers a domain or kind the table does not list to nobody, the admiral included', () => {
    const listed = (d: string, k: string) => Object.hasOwn(EXPECTED, d) && Object.hasOwn(EXPECTED[d]!, k);
    const name = fc.oneof(
      fc.constantFrom(
        '__proto__',
        'constructor',
        'toString',
        'hasOwnProperty',
        'valueOf',
        'prototype',
        'team',
        'clients',
        'settings',
        'upsert',
        'invite',
        'profile',
        '',
      ),
      fc.string(),
    );
    fc.assert(
      fc.property(name, name, fc.string(), fc.constantFrom(...RANKS), (domain, kind, entityId, rank) => {
        fc.pre(!listed(domain, kind));
        expect(changeAudience({ domain, kind, entityId })).toBeNull();
        expect(audienceIncludes(changeAudience({ domain, kind, entityId }), { userId: entityId, rank })).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it("is each domain's read permission in the permission table", () => {
    for (const domain of Object.keys(READ_ACCESS) as (keyof typeof READ_ACCESS)[]) {
      for (const rank of RANKS) expect(mayReadDomain(rank, domain), `${domain} ${rank}`).toBe(can(rank, `${domain}.read`));
    }
    expect(RANKS.filter((r) => mayReadDomain(r, 'team'))).toEqual(['captain', 'commodore', 'admiral']);
  });

  it('moves the resume point with an id-only position event', () => {
    const text = new TextDecoder().decode(encodePosition(42));
    expect(text).toBe('id: 42\nevent: position\ndata: {"position":42}\n\n');
    expect(encodePosition(42)).toBe(encodePosition(42));
  });
});

type Holder<S> = { state: S };
function harness<S extends object>(initial: S) {
  const h: Holder<S> = { state: initial };
  const set = (p: Partial<S> | ((s: S) => Partial<S>)) => {
    h.state = { ...h.state, ...(typeof p === 'function' ? p(h.state) : p) };
  };
  return { h, set, get: () => h.state };
}

const ui: UiSlice = { ui: { online: true, toast: null, showToast: () => undefined, dismissToast: () => undefined, setOnline: () => undefined } };
const session = (userId: string, rank: Rank): SessionView => ({ userId, businessId: 'b', rank, name: 'N', email: 'n@example.com', theme: 'light' });

describe('team page: a member change is the same for every reader', () => {
  const crewId = randomUUID();
  const captainId = randomUUID();
  const commodoreId = randomUUID();
  const members: TeamInitial['members'] = [
    {
      userId: crewId,
      name: 'Crew',
      email: 'crew@example.com',
      rank: 'crew',
      joinedAt: '2026-01-01T00:00:00.000Z',
      isYou: false,
      canChangeRank: true,
    },
    {
      userId: captainId,
      name: 'Cap',
      email: 'cap@example.com',
      rank: 'captain',
      joinedAt: '2026-01-01T00:00:00.000Z',
      isYou: false,
      canChangeRank: false,
    },
    {
      userId: commodoreId,
      name: 'Com',
      email: 'com@example.com',
      rank: 'commodore',
      joinedAt: '2026-01-01T00:00:00.000Z',
      isYou: false,
      canChangeRank: false,
    },
  ];

  function teamOf(reader: SessionView) {
    type S = TeamSlice & UiSlice & SessionSlice;
    const mine = members.map((m) => ({ ...m, isYou: m.userId === reader.userId }));
    const { h, set, get } = harness<S>({ ...ui, session: reader } as S);
    h.state = { ...h.state, ...teamSlice({ members: mine, invites: [], assignableRanks: [], canInvite: false }, set, get) };
    return { apply: (change: LiveChange) => h.state.team.apply(change), member: (id: string) => h.state.team.members.find((m) => m.userId === id)! };
  }

  // A commodore raised the crew member to captain. The change names the member only.
  const raised: LiveChange = {
    id: 10,
    domain: 'team',
    kind: 'member',
    entityId: crewId,
    data: { userId: crewId, name: 'Crew', email: 'crew@example.com', rank: 'captain', joinedAt: '2026-01-01T00:00:00.000Z' },
    mutationId: null,
  };

  it('each reader computes what it may do from its own session', () => {
    const captain = teamOf(session(captainId, 'captain'));
    captain.apply(raised);
    expect(captain.member(crewId)).toMatchObject({ rank: 'captain', isYou: false, canChangeRank: false });

    const commodore = teamOf(session(commodoreId, 'commodore'));
    commodore.apply(raised);
    expect(commodore.member(crewId)).toMatchObject({ rank: 'captain', isYou: false, canChangeRank: true });

    // The member reads the change about themselves (now a captain, on the team page).
    const self = teamOf(session(crewId, 'captain'));
    self.apply(raised);
    expect(self.member(crewId)).toMatchObject({ rank: 'captain', isYou: true, canChangeRank: false });
  });

  it("ignores an actor's answers if a change still carries them", () => {
    const captain = teamOf(session(captainId, 'captain'));
    // An older server's change, with the fields the reader now decides for itself.
    captain.apply({ ...raised, data: { ...raised.data, isYou: true, canChangeRank: true } } as unknown as LiveChange);
    expect(captain.member(crewId)).toMatchObject({ isYou: false, canChangeRank: false });
  });
});

describe('settings page: the user’s own profile change from another tab', () => {
  it('applies name and theme', () => {
    type S = SettingsSlice & UiSlice;
    const { h, set, get } = harness<S>({ ...ui } as S);
    const initial = {
      profile: { name: 'Old', email: 'me@example.com', theme: 'light' as const },
      business: { id: 'b', name: 'B', timezone: 'UTC' },
      canEditBusiness: false,
      businesses: [],
    };
    h.state = { ...h.state, ...settingsSlice(initial, set, get) };
    h.state.settings.apply({ id: 3, domain: 'settings', kind: 'profile', entityId: OWNER, data: { name: 'New', theme: 'dark' }, mutationId: null });
    expect(h.state.settings.profile).toEqual({ name: 'New', email: 'me@example.com', theme: 'dark' });
  });
});
