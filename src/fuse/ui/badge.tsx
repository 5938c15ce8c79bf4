import type { HTMLAttributes } from 'react';
import { cn } from './cn';

const TONES = {
  neutral: 'bg-[var(--tone-neutral-bg)] text-[var(--tone-neutral-fg)]',
  info: 'bg-[var(--tone-info-bg)] text-[var(--tone-info-fg)]',
  success: 'bg-[var(--tone-success-bg)] text-[var(--tone-success-fg)]',
  warning: 'bg-[var(--tone-warning-bg)] text-[var(--tone-warning-fg)]',
  danger: 'bg-[var(--tone-danger-bg)] text-[var(--tone-danger-fg)]',
} as const;

export type BadgeTone = keyof typeof TONES;

export function Badge({ tone = 'neutral', className, ...props }: HTMLAttributes<HTMLSpanElement> & { tone?: BadgeTone }) {
  return (
    <span
      className={cn('inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap', TONES[tone], className)}
      {...props}
    />
  );
}
