'use client';

import { ChevronsUpDown } from 'lucide-react';
import { forwardRef, type ButtonHTMLAttributes } from 'react';
import { cn } from '@/fuse/ui/cn';
import { useOnDemand } from '@/fuse/ui/on-demand';

export type UserMenuProps = { name: string; email: string; rank: string; compact?: boolean };

const initials = (name: string) =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join('') || '?';

/** The account button: the avatar, and (beside the sidebar) the name and rank. */
export const UserMenuButton = forwardRef<HTMLButtonElement, ButtonHTMLAttributes<HTMLButtonElement> & UserMenuProps>(function UserMenuButton(
  { name, rank, compact, className, email: _email, ...props },
  ref,
) {
  return (
    <button
      ref={ref}
      type="button"
      className={cn('flex min-w-0 cursor-pointer items-center gap-2 rounded-lg text-left hover:bg-muted', compact ? 'p-1' : 'w-full p-2', className)}
      {...props}
    >
      <span
        aria-hidden
        className="flex size-8 shrink-0 items-center justify-center rounded-full bg-primary text-xs font-semibold text-primary-foreground"
      >
        {initials(name)}
      </span>
      {compact ? null : (
        <>
          <span className="min-w-0 flex-1">
            <span className="block truncate text-sm font-medium">{name}</span>
            <span className="block truncate text-xs text-muted-foreground">{rank}</span>
          </span>
          <ChevronsUpDown aria-hidden className="size-4 text-muted-foreground" />
        </>
      )}
      {/* Named by what it shows (the user) and what it is: the visible text stays part of the name. */}
      <span className="sr-only">Account menu</span>
    </button>
  );
});

const loadMenu = () => import('./user-menu-panel');

/** The signed-in user's menu: their settings, security, and sign out. The menu's code loads on first use. */
export function UserMenu(props: UserMenuProps) {
  const { loaded, prefetch, open } = useOnDemand(loadMenu);
  if (loaded) return <loaded.UserMenuPanel {...props} />;
  return <UserMenuButton {...props} aria-haspopup="menu" aria-expanded={false} onPointerEnter={prefetch} onFocus={prefetch} onClick={open} />;
}
