import { headers } from 'next/headers';
import Link from 'next/link';
import { JoinForm } from '@/domains/team/components/join-form';
import { inviteForJoinPage } from '@/domains/team/mutations';
import { requestClientIp } from '@/fuse/security/request-ip';

export const metadata = { title: 'Join a business' };

export default async function JoinPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = (await searchParams).token;
  const token = typeof raw === 'string' ? raw : '';
  const found = await inviteForJoinPage(token, requestClientIp({ headers: await headers() }));
  return (
    <main className="auth">
      {found.kind === 'invite' ? (
        <>
          <h1>Join {found.invite.businessName}</h1>
          <p className="muted">You were invited as {found.invite.rank}.</p>
          <JoinForm token={token} email={found.invite.email} existingAccount={found.invite.existingAccount} />
        </>
      ) : found.kind === 'refused' ? (
        <>
          <h1>Try again in a minute</h1>
          <p role="alert">{found.message}</p>
        </>
      ) : (
        <>
          <h1>Invitation not valid</h1>
          <p>This invite link is not valid, was already used, or has expired. Ask for a new one.</p>
          <Link href="/sign-in">Sign in</Link>
        </>
      )}
    </main>
  );
}
