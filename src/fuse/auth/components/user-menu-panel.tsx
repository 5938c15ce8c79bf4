'use client';

import { Building2, LogOut, Settings, ShieldCheck } from 'lucide-react';
import Link from 'next/link';
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from '@/fuse/ui/dropdown-menu';
import { useSignOut } from './sign-out-button';
import { UserMenuButton, type UserMenuProps } from './user-menu';

/** The account menu itself (loaded on first use by UserMenu, which opens it). */
export function UserMenuPanel(props: UserMenuProps) {
  const signOut = useSignOut();
  return (
    <DropdownMenu defaultOpen>
      <DropdownMenuTrigger asChild>
        <UserMenuButton {...props} />
      </DropdownMenuTrigger>
      <DropdownMenuContent align={props.compact ? 'end' : 'start'} side={props.compact ? 'bottom' : 'top'}>
        <DropdownMenuLabel>
          <span className="block truncate font-medium">{props.name}</span>
          <span className="block truncate text-xs text-muted-foreground">{props.email}</span>
        </DropdownMenuLabel>
        <DropdownMenuSeparator />
        <DropdownMenuItem asChild>
          <Link href="/dashboard/settings">
            <Settings aria-hidden /> Settings
          </Link>
        </DropdownMenuItem>
        {props.rank === 'commodore' ? (
          // A commodore runs several businesses: the switcher is on the settings page.
          <DropdownMenuItem asChild>
            <Link href="/dashboard/settings#businesses">
              <Building2 aria-hidden /> Switch business
            </Link>
          </DropdownMenuItem>
        ) : null}
        <DropdownMenuItem asChild>
          <Link href="/dashboard/settings/security">
            <ShieldCheck aria-hidden /> Security
          </Link>
        </DropdownMenuItem>
        <DropdownMenuSeparator />
        <DropdownMenuItem onSelect={() => void signOut()}>
          <LogOut aria-hidden /> Sign out
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
