import type { LiveChange, SessionSlice, UiSlice } from '@/fuse/store/slices';
import type { InviteView, MemberChange, MemberView, TeamInitial } from './queries';
import { mayChangeRankOf } from './ranks';
import type { MemberRank } from './validators';

export type TeamSlice = {
  team: TeamInitial & {
    /** The last invite link to pass on by hand (no mail server configured). */
    lastLink: { email: string; link: string } | null;
    invite: (email: string, rank: MemberRank) => Promise<boolean>;
    revoke: (id: number) => Promise<boolean>;
    changeRank: (userId: string, rank: MemberRank) => Promise<boolean>;
    removeMember: (userId: string) => Promise<boolean>;
    apply: (change: LiveChange) => void;
  };
};

type State = TeamSlice & UiSlice & SessionSlice;
type Set = (partial: Partial<State> | ((s: State) => Partial<State>)) => void;
type Get = () => State;

export const TEAM_SLICE_URL = '/api/team';

async function send<T>(url: string, method: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = (await res.json().catch(() => ({}))) as { error?: string; fields?: Record<string, string> };
  if (!res.ok) throw new Error((data.fields && Object.values(data.fields).join(' ')) || data.error || `Request failed (${res.status}).`);
  return data as T;
}

export function teamSlice(initial: TeamInitial, set: Set, get: Get): TeamSlice {
  const patch = (p: Partial<TeamSlice['team']>) => set((s) => ({ team: { ...s.team, ...p } }));
  const fail = (err: unknown) => get().ui.showToast('error', err instanceof Error ? err.message : 'Something went wrong.');
  return {
    team: {
      ...initial,
      lastLink: null,
      async invite(email, rank) {
        try {
          const created = await send<{ invite: InviteView; link: string | null }>('/api/team/invites', 'POST', { email, rank });
          patch({
            invites: [created.invite, ...get().team.invites.filter((i) => i.id !== created.invite.id)],
            lastLink: created.link ? { email: created.invite.email, link: created.link } : null,
          });
          if (!created.link) get().ui.showToast('info', `Invitation emailed to ${created.invite.email}.`);
          return true;
        } catch (err) {
          fail(err);
          return false;
        }
      },
      async revoke(id) {
        const before = get().team.invites;
        patch({ invites: before.filter((i) => i.id !== id) });
        try {
          await send(`/api/team/invites/${id}`, 'DELETE');
          return true;
        } catch (err) {
          patch({ invites: before });
          fail(err);
          return false;
        }
      },
      async changeRank(userId, rank) {
        const before = get().team.members;
        patch({ members: before.map((m) => (m.userId === userId ? { ...m, rank } : m)) });
        try {
          const saved = await send<MemberView>(`/api/team/members/${userId}`, 'PATCH', { rank });
          patch({ members: get().team.members.map((m) => (m.userId === userId ? saved : m)) });
          return true;
        } catch (err) {
          patch({ members: before });
          fail(err);
          return false;
        }
      },
      async removeMember(userId) {
        const before = get().team.members;
        patch({ members: before.filter((m) => m.userId !== userId) });
        try {
          await send(`/api/team/members/${userId}`, 'DELETE');
          return true;
        } catch (err) {
          patch({ members: before });
          fail(err);
          return false;
        }
      },
      apply(change) {
        if (change.domain !== 'team') return;
        if (change.kind === 'member') {
          // The change is the same for every reader: what this reader may do is decided here, from its own session.
          const m = change.data as MemberChange;
          const me = get().session;
          const member: MemberView = { ...m, isYou: m.userId === me.userId, canChangeRank: mayChangeRankOf(me, m) };
          patch({ members: get().team.members.map((x) => (x.userId === m.userId ? member : x)) });
        } else if (change.kind === 'member-removed') {
          const { userId } = change.data as { userId: string };
          patch({ members: get().team.members.filter((x) => x.userId !== userId) });
        } else if (change.kind === 'invite') {
          const i = change.data as InviteView;
          if (!get().team.invites.some((x) => x.id === i.id)) patch({ invites: [i, ...get().team.invites] });
        } else if (change.kind === 'invite-revoked') {
          const { id } = change.data as { id: number };
          patch({ invites: get().team.invites.filter((x) => x.id !== id) });
        }
      },
    },
  };
}
