import Link from 'next/link';
import type { ComponentProps } from 'react';
import { firstParam } from '@/fuse/http/params';
import { AuthCard } from '@/fuse/ui/auth-card';
import { AccountForm } from './account-form';
import { MissingToken } from './missing-token';

export type TokenLinkSearchParams = Promise<Record<string, string | string[] | undefined>>;

const INCOMPLETE = 'This link is incomplete. Open the link from the email again.';

/**
 * The page an emailed account link opens (verify the address, confirm or undo an email change, reset
 * the password): a card whose form spends the link's token. Opening the page spends nothing, so a
 * mail scanner that follows links changes nothing; a link cut off before its token says so.
 */
export async function TokenLinkPage({
  searchParams,
  title,
  description,
  footer,
  form,
  missing = INCOMPLETE,
}: {
  searchParams: TokenLinkSearchParams;
  title: string;
  description?: string;
  footer: { href: string; label: string };
  form: Omit<ComponentProps<typeof AccountForm>, 'extra' | 'wide'>;
  missing?: string;
}) {
  const token = firstParam((await searchParams).token);
  return (
    <AuthCard title={title} description={description} footer={<Link href={footer.href}>{footer.label}</Link>}>
      {token ? <AccountForm {...form} wide extra={{ token }} /> : <MissingToken>{missing}</MissingToken>}
    </AuthCard>
  );
}
