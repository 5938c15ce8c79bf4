import Link from 'next/link';
import { JoinForm } from '@/domains/team/components/join-form';
import { inviteForJoinPage } from '@/domains/team/mutations';

export const metadata = { title: 'Join a business' };

export default async function JoinPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = (await searchParams).token;
  const token = typeof raw === 'string' ? raw : '';
  const invite = await inviteForJoinPage(token);
  return (
    <main className="auth">
      {invite ? (
        <>
          <h1>Join {invite.businessName}</h1>
          <p className="muted">You were invited as {invite.rank}.</p>
          <JoinForm token={token} email={invite.email} existingAccount={invite.existingAccount} />
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
