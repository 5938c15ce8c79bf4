import { fetchJson } from '@/fuse/store/api';
import type { DomainState } from '@/fuse/store/domain-store';
import { runOptimistic, showError } from '@/fuse/store/optimistic';
import type { LiveChange, SessionSlice, UiSlice } from '@/fuse/store/slices';
import type { InviteView, MemberView, TeamInitial } from './queries';
import { mayChangeRankOf } from './ranks';
import type { MemberRank } from './ranks';

export type TeamSlice = {
  team: TeamInitial & {
    /** The last invite link to pass on by hand (no mail server configured). */
    lastLink: { email: string; link: string } | null;
    invite: (email: string, rank: MemberRank) => Promise<boolean>;
    revoke: (id: number) => Promise<boolean>;
    changeRank: (userId: string, rank: MemberRank) => Promise<boolean>;
    removeMember: (userId: string) => Promise<boolean>;
    /** Reads the members and open invites again (someone joined; or the stream asks for a resync). */
    reload: () => Promise<void>;
    apply: (change: LiveChange) => void;
  };
};

export type TeamStoreState = DomainState<TeamSlice>;

type State = TeamSlice & UiSlice & SessionSlice;
type Set = (fn: (s: State) => Partial<State>) => void;
type Get = () => State;

/** Removes the matching entry from a list; returns the undo that puts it back where it was. */
function removeAt<T>(read: () => T[], write: (list: T[]) => void, match: (x: T) => boolean): () => void {
  const list = read();
  const index = list.findIndex(match);
  const entry = list[index];
  if (entry === undefined) return () => undefined;
  write(list.filter((x) => !match(x)));
  return () => {
    const current = read().filter((x) => !match(x));
    current.splice(Math.min(index, current.length), 0, entry);
    write(current);
  };
}

export function teamSlice(initial: TeamInitial, set: Set, get: Get): TeamSlice {
  const patch = (p: Partial<TeamSlice['team']>) => set((s) => ({ team: { ...s.team, ...p } }));
  const fail = (err: unknown) => showError(get().ui, err);
  const members = () => get().team.members;
  const setMembers = (list: MemberView[]) => patch({ members: list });
  const invites = () => get().team.invites;
  const setInvites = (list: InviteView[]) => patch({ invites: list });
  return {
    team: {
      ...initial,
      lastLink: null,
      async invite(email, rank) {
        try {
          const created = await fetchJson<{ invite: InviteView; link: string | null }>('/api/team/invites', {
            method: 'POST',
            body: JSON.stringify({ email, rank }),
          });
          patch({
            invites: [created.invite, ...invites().filter((i) => i.id !== created.invite.id)],
            lastLink: created.link ? { email: created.invite.email, link: created.link } : null,
          });
          if (!created.link) get().ui.showToast('info', `Invitation emailed to ${created.invite.email}.`);
          return true;
        } catch (err) {
          fail(err);
          return false;
        }
      },
      revoke: (id) =>
        runOptimistic({
          fail,
          show: () => removeAt(invites, setInvites, (i) => i.id === id),
          request: () => fetchJson(`/api/team/invites/${id}`, { method: 'DELETE' }),
        }),
      changeRank(userId, rank) {
        const before = members().find((m) => m.userId === userId);
        if (!before) return Promise.resolve(false);
        const put = (member: MemberView) => setMembers(members().map((m) => (m.userId === userId ? member : m)));
        return runOptimistic<MemberView>({
          fail,
          show: () => {
            put({ ...before, rank });
            return () => put(before);
          },
          request: () => fetchJson<MemberView>(`/api/team/members/${userId}`, { method: 'PATCH', body: JSON.stringify({ rank }) }),
          confirm: put,
        });
      },
      removeMember: (userId) =>
        runOptimistic({
          fail,
          show: () => removeAt(members, setMembers, (m) => m.userId === userId),
          request: () => fetchJson(`/api/team/members/${userId}`, { method: 'DELETE' }),
        }),
      async reload() {
        try {
          const fresh = await fetchJson<TeamInitial>('/api/team');
          patch({ members: fresh.members, invites: fresh.invites, assignableRanks: fresh.assignableRanks, canInvite: fresh.canInvite });
        } catch {
          // The next change or page view catches up; what is shown stays.
        }
      },
      apply(change) {
        if (change.domain !== 'team') return;
        if (change.kind === 'member') {
          // The change is the same for every reader: what this reader may do is decided here, from its own session.
          const m = change.data;
          const me = get().session;
          const member: MemberView = { ...m, isYou: m.userId === me.userId, canChangeRank: mayChangeRankOf(me, m) };
          setMembers(members().map((x) => (x.userId === m.userId ? member : x)));
        } else if (change.kind === 'member-removed') {
          const { userId } = change.data;
          setMembers(members().filter((x) => x.userId !== userId));
        } else if (change.kind === 'invite') {
          const i = change.data;
          if (!invites().some((x) => x.id === i.id)) setInvites([i, ...invites()]);
        } else if (change.kind === 'invite-revoked') {
          const { id } = change.data;
          setInvites(invites().filter((x) => x.id !== id));
        } else if (change.kind === 'joined') {
          // The change names only the new member and rank; their name, email and the invite they
          // used come with one read of the team.
          void get().team.reload();
        }
      },
    },
  };
}
