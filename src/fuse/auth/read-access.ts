import { rankAtLeast, type Rank } from './schema-types';

/**
 * Who reads what: per domain, the least rank that may read its data, and each kind of change it
 * publishes live. A `business` change goes to every reader of the domain; a `personal` one belongs to
 * one user (its entity id is that user's id) and goes to that user's streams only. The domains' read
 * gates (assertCanRead*) and the live stream both decide from this table, so a stream never carries
 * what its reader's own GET would refuse. A domain or kind missing here is delivered to nobody, and
 * recordChange accepts only the pairs listed here.
 */
export const READ_ACCESS = {
  clients: { rank: 'crew', kinds: { upsert: 'business' } },
  finance: { rank: 'crew', kinds: { upsert: 'business' } },
  settings: { rank: 'crew', kinds: { business: 'business', profile: 'personal' } },
  team: { rank: 'captain', kinds: { invite: 'business', 'invite-revoked': 'business', member: 'business', 'member-removed': 'business', joined: 'business' } },
} as const satisfies Record<string, { rank: Rank; kinds: Record<string, 'business' | 'personal'> }>;

export type ReadDomain = keyof typeof READ_ACCESS;

/** A (domain, kind) pair of the table: what a change may be recorded as. */
export type ChangeKind = { [D in ReadDomain]: { domain: D; kind: keyof (typeof READ_ACCESS)[D]['kinds'] & string } }[ReadDomain];

/** Whoever reads: the session's user and rank in its business. */
export type Reader = { userId: string; rank: Rank };

/** Who may read one change: readers from `rank` on; with `userId`, that user only. */
export type ChangeAudience = { rank: Rank; userId: string | null };

/** Whether this rank may read the domain's data: the rule of its read gate. */
export function mayReadDomain(rank: Rank, domain: ReadDomain): boolean {
  return rankAtLeast(rank, READ_ACCESS[domain].rank);
}

/** Who may read a change, from its domain and kind; null: nobody (a pair the table does not list). */
export function changeAudience(change: { domain: string; kind: string; entityId: string }): ChangeAudience | null {
  // Own properties only: a domain or kind such as `__proto__` or `toString` is not in the table.
  if (!Object.hasOwn(READ_ACCESS, change.domain)) return null;
  const rule = READ_ACCESS[change.domain as ReadDomain];
  const kinds: Readonly<Record<string, 'business' | 'personal'>> = rule.kinds;
  if (!Object.hasOwn(kinds, change.kind)) return null;
  return { rank: rule.rank, userId: kinds[change.kind] === 'personal' ? change.entityId : null };
}

export function audienceIncludes(audience: ChangeAudience | null, reader: Reader): boolean {
  if (!audience || !rankAtLeast(reader.rank, audience.rank)) return false;
  return audience.userId === null || audience.userId === reader.userId;
}
