import type { Rank } from '@/fuse/auth/schema-types';
import type { LiveEventOf } from '@/fuse/live/events';
import type { InviteView, MemberChange } from './queries';

/** What the team domain publishes live (to captains and above, see src/fuse/auth/read-access.ts). */
export type TeamEvents = {
  invite: InviteView;
  'invite-revoked': { id: number };
  member: MemberChange;
  'member-removed': { userId: string };
  joined: { userId: string; rank: Rank };
};
export type TeamEvent = LiveEventOf<'team'>;

declare module '@/fuse/live/events' {
  interface LiveEvents {
    team: TeamEvents;
  }
}
