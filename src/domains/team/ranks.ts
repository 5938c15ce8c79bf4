import { can } from '@/fuse/auth/permissions';
import { RANKS, type Rank } from '@/fuse/auth/schema-types';
import type { Session } from '@/fuse/session/token';

/** Ranks a membership can hold. The admiral is a platform operator, never invited into a business. Browser-safe: no zod here. */
export const MEMBER_RANKS = ['crew', 'captain', 'commodore'] as const;
export type MemberRank = (typeof MEMBER_RANKS)[number];

/** Whoever acts or reads: the server's scope, or the browser's session slice. */
type Actor = Pick<Session, 'rank' | 'userId'>;

/**
 * Ranks this actor may give (in an invite or a rank change): up to their own, never admiral;
 * nothing for a rank the permission table does not let invite (crew, the read-only admiral).
 */
export function assignableRanks(actor: Rank): MemberRank[] {
  if (!can(actor, 'team.invite')) return [];
  return MEMBER_RANKS.filter((r) => RANKS.indexOf(r) <= RANKS.indexOf(actor));
}

/**
 * Whose rank an actor may change (or whom they may remove): members below the actor's own rank,
 * never themselves. The server checks it; the team page asks it for each member it shows (a live
 * change carries no answer, as it differs per reader).
 */
export function mayChangeRankOf(actor: Actor, target: { userId: string; rank: Rank }): boolean {
  if (!can(actor.rank, 'team.changeRank') || target.userId === actor.userId) return false;
  return RANKS.indexOf(target.rank) < RANKS.indexOf(actor.rank);
}
