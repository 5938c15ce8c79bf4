import { ForbiddenError } from '@/fuse/session/errors';
import { RANKS, type Rank } from './schema-types';

/** Who acts in the business: crew, captains and commodores. The admiral's view of a business is read-only support. */
const MEMBERS = ['crew', 'captain', 'commodore'] as const satisfies readonly Rank[];
/** Captains and commodores: who changes what crew may only read. */
const CAPTAINS = ['captain', 'commodore'] as const satisfies readonly Rank[];
/** Captains and commodores, and the admiral reading in support view. */
const CAPTAINS_AND_SUPPORT = ['captain', 'commodore', 'admiral'] as const satisfies readonly Rank[];

type Rule = { ranks: readonly Rank[]; refusal: string };

/**
 * What each rank may do: the one table every rank decision reads. The data layer asserts with it on
 * every access, the live stream delivers a domain's changes to the ranks of its `<domain>.read`,
 * pages, navigation and components hide what it refuses, and tests/e2e/ranks-matrix.test.ts asks
 * the running app every action for every rank. Browser-safe: components call `can` too.
 * Rules relative to the people involved (whom a captain may promote, which rank an invite may carry)
 * live with the team domain, on top of the `team.*` rows.
 */
export const PERMISSIONS = {
  'clients.read': { ranks: RANKS, refusal: 'Your rank does not allow this.' },
  'clients.create': { ranks: MEMBERS, refusal: 'The support view is read-only.' },
  'clients.edit': { ranks: CAPTAINS, refusal: 'Only a captain can change or archive clients.' },
  'clients.archive': { ranks: CAPTAINS, refusal: 'Only a captain can change or archive clients.' },
  'finance.read': { ranks: RANKS, refusal: 'Your rank does not allow this.' },
  'finance.create': { ranks: CAPTAINS, refusal: 'Only a captain can create or change invoices.' },
  'finance.edit': { ranks: CAPTAINS, refusal: 'Only a captain can create or change invoices.' },
  'team.read': { ranks: CAPTAINS_AND_SUPPORT, refusal: 'Only a captain can see the team.' },
  'team.invite': { ranks: CAPTAINS, refusal: 'Only a captain can invite members.' },
  'team.revokeInvite': { ranks: CAPTAINS, refusal: 'Only a captain can revoke invites.' },
  'team.changeRank': { ranks: CAPTAINS, refusal: 'Only a captain can change ranks.' },
  'team.remove': { ranks: CAPTAINS, refusal: 'Only a captain can remove members.' },
  'settings.read': { ranks: RANKS, refusal: 'Your rank does not allow this.' },
  /** One's own name and theme: every rank, the admiral included. */
  'settings.editProfile': { ranks: RANKS, refusal: 'Your rank does not allow this.' },
  'settings.editBusiness': { ranks: CAPTAINS, refusal: 'Only a captain can change the business settings.' },
  /** The plan, its usage and limits: every rank; changing or paying for it: captains and commodores. */
  'billing.read': { ranks: RANKS, refusal: 'Your rank does not allow this.' },
  'billing.manage': { ranks: CAPTAINS, refusal: 'Only a captain can change the plan or payment.' },
  'data.export': { ranks: CAPTAINS_AND_SUPPORT, refusal: 'Only a captain can export the business’s data.' },
  /** The operations page and /api/metrics: the platform's own view, not a business's. */
  'admin.read': { ranks: ['admiral'], refusal: 'Your rank does not allow this.' },
  // fuse new-domain: permission rows (`npm run fuse -- new-domain` adds a domain's rows above this line)
} as const satisfies Record<string, Rule>;

export type Action = keyof typeof PERMISSIONS;
export const ACTIONS = Object.keys(PERMISSIONS) as Action[];

/** Whether this rank may do the action. An action or rank the table does not list is refused. */
export function can(rank: Rank, action: Action): boolean {
  if (!Object.hasOwn(PERMISSIONS, action)) return false;
  return (PERMISSIONS[action].ranks as readonly string[]).includes(rank);
}

/** The data layer's check: a 403 with the action's own message when the table refuses it. */
export function assertCan(scope: { rank: Rank }, action: Action): void {
  if (!can(scope.rank, action)) throw new ForbiddenError(Object.hasOwn(PERMISSIONS, action) ? PERMISSIONS[action].refusal : undefined);
}
