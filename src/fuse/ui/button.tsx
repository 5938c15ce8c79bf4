import { Slot } from '@radix-ui/react-slot';
import type { ComponentProps } from 'react';
import { cn } from './cn';

// The classes live in globals.css (`.btn`, `.btn-<variant>`, `.btn-<size>`): buttons repeat on every row.
const VARIANTS = {
  default: 'btn-default',
  secondary: 'btn-secondary',
  outline: 'btn-outline',
  ghost: 'btn-ghost',
  destructive: 'btn-destructive',
  link: 'btn-link',
} as const;

const SIZES = {
  default: 'btn-md',
  sm: 'btn-sm',
  icon: 'btn-icon',
} as const;

export type ButtonVariant = keyof typeof VARIANTS;
export type ButtonSize = keyof typeof SIZES;

/** The classes of a button, for a link or a label that looks like one. */
export function buttonVariants({ variant = 'default', size = 'default' }: { variant?: ButtonVariant; size?: ButtonSize } = {}): string {
  return cn('btn', VARIANTS[variant], variant === 'link' ? undefined : SIZES[size]);
}

export type ButtonProps = ComponentProps<'button'> & {
  variant?: ButtonVariant;
  size?: ButtonSize;
  /** Render the single child (a link) with the button's look instead of a <button>. */
  asChild?: boolean;
};

export function Button({ className, variant, size, asChild, type, ...props }: ButtonProps) {
  if (asChild) return <Slot className={cn(buttonVariants({ variant, size }), className)} {...props} />;
  return <button type={type ?? 'button'} className={cn(buttonVariants({ variant, size }), className)} {...props} />;
}
