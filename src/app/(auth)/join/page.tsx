import { headers } from 'next/headers';
import Link from 'next/link';
import { JoinForm } from '@/domains/team/components/join-form';
import { inviteForJoinPage } from '@/domains/team/mutations';
import { requestClientIp } from '@/fuse/security/request-ip';
import { AuthCard } from '@/fuse/ui/auth-card';

export const metadata = { title: 'Join a business' };

export default async function JoinPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = (await searchParams).token;
  const token = typeof raw === 'string' ? raw : '';
  const found = await inviteForJoinPage(token, requestClientIp({ headers: await headers() }));
  if (found.kind === 'invite') {
    return (
      <AuthCard title={`Join ${found.invite.businessName}`} description={`You were invited as ${found.invite.rank}.`}>
        <JoinForm token={token} email={found.invite.email} existingAccount={found.invite.existingAccount} />
      </AuthCard>
    );
  }
  if (found.kind === 'refused') {
    return (
      <AuthCard title="Try again in a minute">
        <p role="alert" className="text-sm">
          {found.message}
        </p>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Invitation not valid" footer={<Link href="/sign-in">Sign in</Link>}>
      <p className="text-sm text-muted-foreground">This invite link is not valid, was already used, or has expired. Ask for a new one.</p>
    </AuthCard>
  );
}
