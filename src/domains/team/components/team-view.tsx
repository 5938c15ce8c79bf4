'use client';

import { MailOpen, UserPlus } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import type { DomainInitial } from '@/fuse/store/domain-store';
import { domainProvider, useFuse } from '@/fuse/store/provider';
import type { SessionView } from '@/fuse/store/slices';
import { Toast } from '@/fuse/store/toast';
import { Badge } from '@/fuse/ui/badge';
import { Button } from '@/fuse/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/fuse/ui/card';
import { EmptyState } from '@/fuse/ui/empty-state';
import { Field, Input, Select } from '@/fuse/ui/input';
import { PageHeader } from '@/fuse/ui/page-header';
import { Table, TableCell, TableRow, TableRowHead } from '@/fuse/ui/table';
import type { TeamInitial } from '../queries';
import { teamSlice, type TeamStoreState } from '../slice';
import type { MemberRank } from '../ranks';

type S = TeamStoreState;

export type TeamStoreInitial = DomainInitial<'team', TeamInitial>;

export const TeamProvider = domainProvider('team', teamSlice, { onResync: (state) => state.team.reload() });

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
    <Card className="mb-6">
      <CardHeader>
        <CardTitle>Invite a member</CardTitle>
        <CardDescription>They get a link to join this business with the rank you choose.</CardDescription>
      </CardHeader>
      <CardContent>
        <form className="grid gap-3 sm:grid-cols-[minmax(0,2fr)_minmax(0,1fr)_7rem] sm:items-end" onSubmit={submit} aria-label="Invite a member">
          <Field label="Email to invite">
            {(p) => (
              <Input
                {...p}
                type="email"
                placeholder="name@example.com"
                value={email}
                onChange={(e) => setEmail(e.target.value)}
                required
                maxLength={254}
              />
            )}
          </Field>
          <Field label="Rank">
            {(p) => (
              <Select {...p} value={rank} onChange={(e) => setRank(e.target.value as MemberRank)}>
                {ranks.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Button type="submit">
            <UserPlus aria-hidden /> Invite
          </Button>
        </form>
        {lastLink ? (
          <p className="invite-link mt-3 rounded-md bg-muted p-3 text-sm" role="status">
            No mail server is configured: send this link to {lastLink.email}: <code>{lastLink.link}</code>
          </p>
        ) : null}
      </CardContent>
    </Card>
  );
}

function Members() {
  const members = useFuse((s: S) => s.team.members);
  const ranks = useFuse((s: S) => s.team.assignableRanks);
  const changeRank = useFuse((s: S) => s.team.changeRank);
  const removeMember = useFuse((s: S) => s.team.removeMember);
  return (
    <Table label="Members" columns={['Name', 'Email', 'Rank', { label: 'Actions', hidden: true }]} className="members">
      {members.map((m) => (
        <TableRow key={m.userId} data-member={m.email}>
          <TableRowHead>
            {m.name}
            {m.isYou ? <span className="text-muted-foreground"> (you)</span> : ''}
          </TableRowHead>
          <TableCell label="Email">{m.email}</TableCell>
          <TableCell label="Rank">
            {m.canChangeRank ? (
              <Select
                aria-label={`Rank of ${m.email}`}
                className="w-36"
                value={m.rank}
                onChange={(e) => void changeRank(m.userId, e.target.value as MemberRank)}
              >
                {ranks.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </Select>
            ) : (
              <Badge tone={m.rank === 'crew' ? 'neutral' : 'info'}>{m.rank}</Badge>
            )}
          </TableCell>
          <TableCell className="row-actions">
            {m.canChangeRank ? (
              <Button variant="ghost" size="sm" aria-label={`Remove ${m.email}`} onClick={() => void removeMember(m.userId)}>
                Remove
              </Button>
            ) : null}
          </TableCell>
        </TableRow>
      ))}
    </Table>
  );
}

function Invites() {
  const invites = useFuse((s: S) => s.team.invites);
  const canInvite = useFuse((s: S) => s.team.canInvite);
  const revoke = useFuse((s: S) => s.team.revoke);
  return (
    <Card className="mt-6">
      <CardHeader>
        <CardTitle>Open invitations</CardTitle>
      </CardHeader>
      <CardContent>
        {invites.length === 0 ? (
          <EmptyState icon={MailOpen} title="No open invitations" description="Invitations waiting to be accepted show here." className="py-4" />
        ) : (
          <ul className="invites flex flex-col divide-y divide-border">
            {invites.map((i) => (
              <li key={i.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
                <span className="min-w-0 break-words">
                  {i.email} as {i.rank}, until {i.expiresAt.slice(0, 10)}{' '}
                </span>
                {canInvite ? (
                  <Button variant="ghost" size="sm" onClick={() => void revoke(i.id)}>
                    Revoke
                  </Button>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}

export function TeamView() {
  const canInvite = useFuse((s: S) => s.team.canInvite);
  return (
    <section className="team">
      <PageHeader title="Team" description="Who works in this business, and what each may do." />
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
