'use client';

import { useState, type FormEvent, type ReactNode } from 'react';
import { Button, type ButtonVariant } from '@/fuse/ui/button';
import { Field, Input } from '@/fuse/ui/input';
import { cn } from '@/fuse/ui/cn';

type Field = { name: string; label: string; type?: string; autoComplete?: string; hint?: string };

type AccountFormProps = {
  action: string;
  method?: 'POST' | 'DELETE';
  fields?: Field[];
  submitLabel: string;
  /** The submit button's look (`destructive` for the account deletion). */
  submitVariant?: ButtonVariant;
  /** Sent with the fields (a link's token). */
  extra?: Record<string, string>;
  /** The form's accessible name. */
  label: string;
  /** After success: go there (replacing the history entry: one-time links are not gone back to)... */
  next?: string;
  /** ...or show this message (the server's `message`, if it sends one, wins). */
  done?: string;
  /** Stretch the submit button across the form (the auth cards). */
  wide?: boolean;
  className?: string;
  children?: ReactNode;
};

/**
 * The account forms (reset, verification, email change, password, deletion): post JSON, show each
 * field's error next to it (tied to its input by aria-describedby) and a form-level error as an
 * alert, then go on or say what happened.
 */
export function AccountForm({
  action,
  method = 'POST',
  fields = [],
  submitLabel,
  submitVariant,
  extra,
  label,
  next,
  done,
  wide,
  className,
  children,
}: AccountFormProps) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [success, setSuccess] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setMessage(null);
    const form = event.currentTarget;
    const body = { ...Object.fromEntries(new FormData(form)), ...extra };
    try {
      const res = await fetch(action, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const data = (await res.json().catch(() => ({}))) as { error?: string; message?: string; fields?: Record<string, string> };
      if (res.ok) {
        if (next) {
          window.location.replace(next);
          return;
        }
        form.reset();
        setSuccess(data.message ?? done ?? 'Done.');
      } else {
        const fieldErrors = Object.fromEntries(Object.entries(data.fields ?? {}).filter(([k]) => fields.some((f) => f.name === k)));
        setErrors(fieldErrors);
        setMessage(Object.keys(fieldErrors).length ? null : (data.error ?? 'Something went wrong.'));
      }
    } catch {
      setMessage('Could not reach the server. Check your connection and try again.');
    }
    setBusy(false);
  }

  if (success) {
    return (
      <p role="status" className="form-success rounded-md border border-border bg-muted px-3 py-2 text-sm text-foreground">
        {success}
      </p>
    );
  }
  return (
    // method="post": a submit before the page's script has started must not put a password in a URL.
    <form onSubmit={submit} method="post" noValidate aria-label={label} className={cn('flex flex-col gap-4', className)}>
      {children}
      {fields.map((f) => (
        <Field key={f.name} label={f.label} hint={f.hint} error={errors[f.name]}>
          {(p) => <Input {...p} name={f.name} type={f.type ?? 'text'} autoComplete={f.autoComplete} />}
        </Field>
      ))}
      {message ? (
        <p role="alert" className="form-error rounded-md border border-destructive px-3 py-2 text-sm text-destructive">
          {message}
        </p>
      ) : null}
      <Button
        type="submit"
        variant={submitVariant}
        disabled={busy}
        className={cn('h-auto! min-h-9 py-2 text-center whitespace-normal!', wide ? 'w-full' : 'self-start')}
      >
        {submitLabel}
      </Button>
    </form>
  );
}
