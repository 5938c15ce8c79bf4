import type { HTMLAttributes } from 'react';
import { cn } from './cn';

// `.badge` and `.tone-<name>` live in globals.css: a badge repeats on every row of a list.
const TONES = {
  neutral: 'tone-neutral',
  info: 'tone-info',
  success: 'tone-success',
  warning: 'tone-warning',
  danger: 'tone-danger',
} as const;

export type BadgeTone = keyof typeof TONES;

export function Badge({ tone = 'neutral', className, ...props }: HTMLAttributes<HTMLSpanElement> & { tone?: BadgeTone }) {
  return <span className={cn('badge', TONES[tone], className)} {...props} />;
}
