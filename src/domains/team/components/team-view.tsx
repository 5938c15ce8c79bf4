'use client';

import { useState, type FormEvent, type ReactNode } from 'react';
import { createDomainStore, type DomainInitial } from '@/fuse/store/domain-store';
import { FuseProvider, useFuse } from '@/fuse/store/provider';
import type { SessionView } from '@/fuse/store/slices';
import { Toast } from '@/fuse/store/toast';
import type { TeamInitial } from '../queries';
import { teamSlice, type TeamStoreState } from '../slice';
import type { MemberRank } from '../validators';

type S = TeamStoreState;

export type TeamStoreInitial = DomainInitial<'team', TeamInitial>;

const createTeamStore = createDomainStore('team', teamSlice);
const reloadTeam = (state: S) => state.team.reload();

export function TeamProvider({
  initial,
  livePosition,
  children,
}: {
  initial: TeamStoreInitial;
  /** Outbox position the page's data was read at; null only for a preview from the preload cache. */
  livePosition: number | null;
  children: ReactNode;
}) {
  return (
    <FuseProvider initial={initial} create={createTeamStore} livePosition={livePosition} onResync={reloadTeam}>
      {children}
    </FuseProvider>
  );
}

function InviteForm() {
  const ranks = useFuse((s: S) => s.team.assignableRanks);
  const invite = useFuse((s: S) => s.team.invite);
  const lastLink = useFuse((s: S) => s.team.lastLink);
  const [email, setEmail] = useState('');
  const [rank, setRank] = useState<MemberRank>('crew');
  async function submit(event: FormEvent) {
    event.preventDefault();
    if (await invite(email, rank)) setEmail('');
  }
  return (
    <>
      <form className="client-form" onSubmit={submit} aria-label="Invite a member">
        <input
          type="email"
          aria-label="Email to invite"
          placeholder="Email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          required
          maxLength={254}
        />
        <select aria-label="Rank" value={rank} onChange={(e) => setRank(e.target.value as MemberRank)}>
          {ranks.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <button type="submit">Invite</button>
      </form>
      {lastLink ? (
        <p className="invite-link" role="status">
          No mail server is configured: send this link to {lastLink.email}: <code>{lastLink.link}</code>
        </p>
      ) : null}
    </>
  );
}

function Members() {
  const members = useFuse((s: S) => s.team.members);
  const ranks = useFuse((s: S) => s.team.assignableRanks);
  const changeRank = useFuse((s: S) => s.team.changeRank);
  const removeMember = useFuse((s: S) => s.team.removeMember);
  return (
    <table className="clients members">
      <thead>
        <tr>
          <th>Name</th>
          <th>Email</th>
          <th>Rank</th>
          <th aria-label="Actions" />
        </tr>
      </thead>
      <tbody>
        {members.map((m) => (
          <tr key={m.userId} data-member={m.email}>
            <td>
              {m.name}
              {m.isYou ? ' (you)' : ''}
            </td>
            <td>{m.email}</td>
            <td>
              {m.canChangeRank ? (
                <select aria-label={`Rank of ${m.email}`} value={m.rank} onChange={(e) => void changeRank(m.userId, e.target.value as MemberRank)}>
                  {ranks.map((r) => (
                    <option key={r} value={r}>
                      {r}
                    </option>
                  ))}
                </select>
              ) : (
                m.rank
              )}
            </td>
            <td>
              {m.canChangeRank ? (
                <button type="button" className="link" aria-label={`Remove ${m.email}`} onClick={() => void removeMember(m.userId)}>
                  Remove
                </button>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Invites() {
  const invites = useFuse((s: S) => s.team.invites);
  const canInvite = useFuse((s: S) => s.team.canInvite);
  const revoke = useFuse((s: S) => s.team.revoke);
  if (invites.length === 0) return null;
  return (
    <>
      <h2>Open invitations</h2>
      <ul className="invites">
        {invites.map((i) => (
          <li key={i.id}>
            {i.email} as {i.rank}, until {i.expiresAt.slice(0, 10)}{' '}
            {canInvite ? (
              <button type="button" className="link" onClick={() => void revoke(i.id)}>
                Revoke
              </button>
            ) : null}
          </li>
        ))}
      </ul>
    </>
  );
}

export function TeamView() {
  const canInvite = useFuse((s: S) => s.team.canInvite);
  return (
    <section className="team">
      <h1>Team</h1>
      {canInvite ? <InviteForm /> : null}
      <Members />
      <Invites />
      <Toast />
    </section>
  );
}

/** The team page drawn from a preloaded slice (instant navigation). */
export function TeamPreview({ data, session }: { data: unknown; session: SessionView }) {
  return (
    <TeamProvider initial={{ session, team: data as TeamInitial }} livePosition={null}>
      <TeamView />
    </TeamProvider>
  );
}
