import { can, type Action } from './permissions';
import type { Rank } from './schema-types';

/**
 * Who reads what live: each kind of change a domain publishes. A `business` change goes to every
 * rank the permission table lets read the domain (`<domain>.read`); a `personal` one belongs to one
 * user (its entity id is that user's id) and goes to that user's streams only. The domains' reads
 * and the live stream both decide from the permission table, so a stream never carries what its
 * reader's own GET would refuse. A domain or kind missing here is delivered to nobody, and
 * recordChange accepts only the pairs listed here.
 */
export const READ_ACCESS = {
  clients: { kinds: { upsert: 'business' } },
  finance: { kinds: { upsert: 'business' } },
  billing: { kinds: { subscription: 'business' } },
  settings: { kinds: { business: 'business', profile: 'personal' } },
  team: { kinds: { invite: 'business', 'invite-revoked': 'business', member: 'business', 'member-removed': 'business', joined: 'business' } },
  // fuse new-domain: read access (`npm run fuse -- new-domain` adds a domain's kinds above this line)
} as const satisfies Record<string, { kinds: Record<string, 'business' | 'personal'> }>;

/** A domain with a `<domain>.read` permission: every domain that publishes changes must have one. */
type Readable<A> = A extends `${infer D}.read` ? D : never;
export type ReadDomain = keyof typeof READ_ACCESS & Readable<Action>;
// A domain listed above without a `<domain>.read` row in the permission table fails to compile here.
const everyDomainReadable: [Exclude<keyof typeof READ_ACCESS, Readable<Action>>] extends [never] ? true : never = true;
void everyDomainReadable;

/** A (domain, kind) pair of the table: what a change may be recorded as. */
export type ChangeKind = { [D in ReadDomain]: { domain: D; kind: keyof (typeof READ_ACCESS)[D]['kinds'] & string } }[ReadDomain];

/** Whoever reads: the session's user and rank in its business. */
export type Reader = { userId: string; rank: Rank };

/** Who may read one change: the ranks allowed `permission`; with `userId`, that user only. */
export type ChangeAudience = { permission: `${ReadDomain}.read`; userId: string | null };

/** Whether this rank may read the domain's data: its `<domain>.read` permission. */
export function mayReadDomain(rank: Rank, domain: ReadDomain): boolean {
  return can(rank, `${domain}.read`);
}

/** Who may read a change, from its domain and kind; null: nobody (a pair the table does not list). */
export function changeAudience(change: { domain: string; kind: string; entityId: string }): ChangeAudience | null {
  // Own properties only: a domain or kind such as `__proto__` or `toString` is not in the table.
  if (!Object.hasOwn(READ_ACCESS, change.domain)) return null;
  const domain = change.domain as ReadDomain;
  const kinds: Readonly<Record<string, 'business' | 'personal'>> = READ_ACCESS[domain].kinds;
  if (!Object.hasOwn(kinds, change.kind)) return null;
  return { permission: `${domain}.read`, userId: kinds[change.kind] === 'personal' ? change.entityId : null };
}

export function audienceIncludes(audience: ChangeAudience | null, reader: Reader): boolean {
  if (!audience || !can(reader.rank, audience.permission)) return false;
  return audience.userId === null || audience.userId === reader.userId;
}
