import 'server-only';
import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import { businesses, memberships, users } from '@/fuse/auth/schema';
import { assertCan, can } from '@/fuse/auth/permissions';
import type { Rank } from '@/fuse/auth/schema-types';
import type { Database } from '@/fuse/db/client';
import { timed } from '@/fuse/db/timed';
import type { Session } from '@/fuse/session/token';
import { assignableRanks, mayChangeRankOf } from './ranks';
import { invites } from './schema';
import type { MemberRank } from './ranks';

export { assignableRanks, mayChangeRankOf };

export type Scope = Pick<Session, 'businessId' | 'rank' | 'userId'>;

export type MemberView = { userId: string; name: string; email: string; rank: Rank; joinedAt: string; isYou: boolean; canChangeRank: boolean };
/** A member as a live change carries it: the same for every reader (isYou and canChangeRank are the reader's own). */
export type MemberChange = Omit<MemberView, 'isYou' | 'canChangeRank'>;
export type InviteView = { id: number; email: string; rank: Rank; createdAt: string; expiresAt: string };
export type TeamInitial = { members: MemberView[]; invites: InviteView[]; assignableRanks: MemberRank[]; canInvite: boolean };

export async function loadTeam(db: Database, scope: Scope): Promise<TeamInitial> {
  // Captains and above; the admiral reads it in support view.
  assertCan(scope, 'team.read');
  const [memberRows, inviteRows] = await timed('team.load', () =>
    Promise.all([
      db
        .select({ userId: users.id, name: users.name, email: users.email, rank: memberships.rank, joinedAt: memberships.createdAt })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(eq(memberships.businessId, scope.businessId))
        .orderBy(asc(memberships.createdAt))
        .limit(500),
      db
        .select({ id: invites.id, email: invites.email, rank: invites.rank, createdAt: invites.createdAt, expiresAt: invites.expiresAt })
        .from(invites)
        .where(
          and(eq(invites.businessId, scope.businessId), isNull(invites.acceptedAt), isNull(invites.revokedAt), sql`${invites.expiresAt} > now()`),
        )
        .orderBy(desc(invites.id))
        .limit(200),
    ]),
  );
  return {
    members: memberRows.map((m) => ({
      userId: m.userId,
      name: m.name,
      email: m.email,
      rank: m.rank,
      joinedAt: m.joinedAt.toISOString(),
      isYou: m.userId === scope.userId,
      canChangeRank: mayChangeRankOf(scope, m),
    })),
    invites: inviteRows.map((i) => ({ ...i, createdAt: i.createdAt.toISOString(), expiresAt: i.expiresAt.toISOString() })),
    assignableRanks: assignableRanks(scope.rank),
    canInvite: can(scope.rank, 'team.invite'),
  };
}

export type BusinessChoice = { businessId: string; name: string; rank: Rank; current: boolean };

/** The businesses this user belongs to (a commodore's several), for switching. */
export async function listMyBusinesses(db: Database, session: Pick<Session, 'userId' | 'businessId'>): Promise<BusinessChoice[]> {
  const rows = await timed('team.myBusinesses', () =>
    db
      .select({ businessId: businesses.id, name: businesses.name, rank: memberships.rank })
      .from(memberships)
      .innerJoin(businesses, eq(businesses.id, memberships.businessId))
      .where(eq(memberships.userId, session.userId))
      .orderBy(asc(businesses.name))
      .limit(200),
  );
  return rows.map((r) => ({ ...r, current: r.businessId === session.businessId }));
}
