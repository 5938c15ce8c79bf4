import fc from 'fast-check';
import { createElement, type ComponentType } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ClientsTable } from '@/domains/clients/components/clients-table';
import type { ClientView } from '@/domains/clients/queries';
import { assignableRanks, mayChangeRankOf } from '@/domains/team/ranks';
import { dashboardNav } from '@/app/dashboard/navigation';
import { ACTIONS, assertCan, can, PERMISSIONS, type Action } from '@/fuse/auth/permissions';
import { RANKS, type Rank } from '@/fuse/auth/schema-types';
import { createStore } from 'zustand/vanilla';
import { FuseProvider } from '@/fuse/store/provider';
import { ForbiddenError } from '@/fuse/session/errors';

/**
 * The table as the product promises it, written out by hand (not read from the table): a change
 * here is a decision about who may do what, made on purpose.
 */
const EXPECTED: Record<Action, Rank[]> = {
  'clients.read': ['crew', 'captain', 'commodore', 'admiral'],
  'clients.create': ['crew', 'captain', 'commodore'],
  'clients.edit': ['captain', 'commodore'],
  'clients.archive': ['captain', 'commodore'],
  'finance.read': ['crew', 'captain', 'commodore', 'admiral'],
  'finance.create': ['captain', 'commodore'],
  'finance.edit': ['captain', 'commodore'],
  'team.read': ['captain', 'commodore', 'admiral'],
  'team.invite': ['captain', 'commodore'],
  'team.revokeInvite': ['captain', 'commodore'],
  'team.changeRank': ['captain', 'commodore'],
  'team.remove': ['captain', 'commodore'],
  'settings.read': ['crew', 'captain', 'commodore', 'admiral'],
  'settings.editProfile': ['crew', 'captain', 'commodore', 'admiral'],
  'settings.editBusiness': ['captain', 'commodore'],
  'billing.read': ['crew', 'captain', 'commodore', 'admiral'],
  'billing.manage': ['captain', 'commodore'],
  'data.export': ['captain', 'commodore', 'admiral'],
  'admin.read': ['admiral'],
  // fuse new-domain: expected ranks (`npm run fuse -- new-domain` adds a domain's rows above this line)
};

describe('the permission table (src/fuse/auth/permissions.ts)', () => {
  it('lists exactly the actions the product knows', () => {
    expect([...ACTIONS].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const action of Object.keys(EXPECTED) as Action[]) {
    it(`${action}: ${EXPECTED[action].join(', ')}`, () => {
      for (const rank of RANKS) {
        expect(can(rank, action), `${rank} ${action}`).toBe(EXPECTED[action].includes(rank));
        if (can(rank, action)) expect(() => assertCan({ rank }, action)).not.toThrow();
        else expect(() => assertCan({ rank }, action)).toThrow(ForbiddenError);
      }
    });
  }

  it('the admiral reads every business but changes nothing in it', () => {
    const changes = ACTIONS.filter((a) => !a.endsWith('.read') && a !== 'data.export' && a !== 'settings.editProfile');
    expect(changes.filter((a) => can('admiral', a))).toEqual([]);
    expect(ACTIONS.filter((a) => a.endsWith('.read')).every((a) => can('admiral', a))).toBe(true);
  });

  it('refuses an action or rank it does not list (prototype names included)', () => {
    const name = fc.oneof(
      fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'clients', 'clients.', ''),
      fc.string(),
    );
    fc.assert(
      fc.property(name, fc.oneof(fc.constantFrom(...RANKS), fc.string()), (action, rank) => {
        fc.pre(!Object.hasOwn(PERMISSIONS, action));
        expect(can(rank as Rank, action as Action)).toBe(false);
        expect(() => assertCan({ rank: rank as Rank }, action as Action)).toThrow(ForbiddenError);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.constantFrom(...ACTIONS), fc.string(), (action, rank) => {
        fc.pre(!(RANKS as readonly string[]).includes(rank));
        expect(can(rank as Rank, action)).toBe(false);
      }),
    );
  });

  it('the team rules relative to people sit on top of the team rows', () => {
    expect(assignableRanks('crew')).toEqual([]);
    expect(assignableRanks('captain')).toEqual(['crew', 'captain']);
    expect(assignableRanks('commodore')).toEqual(['crew', 'captain', 'commodore']);
    expect(assignableRanks('admiral')).toEqual([]);
    const me = 'me';
    for (const actor of RANKS) {
      for (const target of RANKS) {
        const expected = can(actor, 'team.changeRank') && RANKS.indexOf(target) < RANKS.indexOf(actor);
        expect(mayChangeRankOf({ userId: me, rank: actor }, { userId: 'other', rank: target }), `${actor} → ${target}`).toBe(expected);
        expect(mayChangeRankOf({ userId: me, rank: actor }, { userId: me, rank: target })).toBe(false);
      }
    }
  });

  it('navigation offers Team to exactly the ranks that may read it', () => {
    for (const rank of RANKS)
      expect(
        dashboardNav(rank).some((i) => i.href === '/dashboard/team'),
        rank,
      ).toBe(can(rank, 'team.read'));
  });
});

const client: ClientView = {
  id: 7,
  email: 'ada@example.com',
  firstName: 'Ada',
  lastName: 'Lovelace',
  status: 'active',
  phone: null,
  company: null,
  notes: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

/** The clients table as the browser first draws it, for a session of this rank. */
function clientsTableFor(rank: Rank): string {
  const ui = { online: true, toast: null, showToast: () => undefined, dismissToast: () => undefined, setOnline: () => undefined };
  const state = { ui, session: { rank }, clients: { items: [client], update: async () => true, archive: async () => true } };
  // Children as createElement's third argument: the provider's props type names them as optional here.
  const Provider = FuseProvider as ComponentType<Omit<Parameters<typeof FuseProvider<typeof state, typeof state>>[0], 'children'>>;
  // livePosition null: rendered without a live stream (nothing to connect to in a unit test).
  const provider = createElement(
    Provider,
    { initial: state, create: () => createStore(() => state), livePosition: null },
    createElement(ClientsTable),
  );
  return renderToString(provider);
}

describe('the clients table shows only what the table allows', () => {
  for (const rank of RANKS) {
    const shows = can(rank, 'clients.edit');
    it(`${rank}: ${shows ? 'shows' : 'hides'} Edit and Archive`, () => {
      const html = clientsTableFor(rank);
      expect(html).toContain('Ada');
      expect(html.includes('>Edit<')).toBe(can(rank, 'clients.edit'));
      expect(html.includes('>Archive<')).toBe(can(rank, 'clients.archive'));
    });
  }

  it('hides them from the read-only admiral', () => {
    const html = clientsTableFor('admiral');
    expect(html).not.toContain('>Edit<');
    expect(html).not.toContain('>Archive<');
  });
});
