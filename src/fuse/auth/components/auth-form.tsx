'use client';

import { useState, type FormEvent } from 'react';
import { Button } from '@/fuse/ui/button';
import { Field, Input } from '@/fuse/ui/input';

/** An input; one without a name is shown (read-only, with its value) but not sent. */
type Field = { name?: string; label: string; type?: string; autoComplete?: string; value?: string };

type AuthFormProps = {
  action: string;
  fields: Field[];
  submitLabel: string;
  /** Where to go once the server accepted the form. */
  next: string;
  /** Sent with the fields (e.g. an invite token). */
  extra?: Record<string, string>;
  /** The form's accessible name. */
  label?: string;
  /** Replace the current history entry (a one-time link should not be gone back to). */
  replace?: boolean;
};

/** Sign-in, sign-up and invite forms: post JSON to the auth API, show field errors, then go where asked. */
export function AuthForm({ action, fields, submitLabel, next, extra, label, replace }: AuthFormProps) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSubmitting(true);
    setErrors({});
    setMessage(null);
    const body = { ...Object.fromEntries(new FormData(event.currentTarget)), ...extra };
    try {
      const res = await fetch(action, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (res.ok) {
        if (replace) window.location.replace(next);
        else window.location.assign(next);
        return;
      }
      const data = (await res.json().catch(() => ({}))) as { error?: string; fields?: Record<string, string> };
      setErrors(data.fields ?? {});
      setMessage(data.fields ? null : (data.error ?? 'Something went wrong.'));
    } catch {
      setMessage('Could not reach the server. Check your connection and try again.');
    }
    setSubmitting(false);
  }

  return (
    // method="post": a submit before the page's script has started must not put a password in a URL.
    <form onSubmit={submit} method="post" noValidate aria-label={label} className="flex flex-col gap-4">
      {fields.map((f) =>
        f.name ? (
          <Field key={f.name} label={f.label} error={errors[f.name]}>
            {(p) => <Input {...p} name={f.name} type={f.type ?? 'text'} autoComplete={f.autoComplete} />}
          </Field>
        ) : (
          <Field key={f.label} label={f.label}>
            {(p) => <Input {...p} value={f.value ?? ''} readOnly />}
          </Field>
        ),
      )}
      {message ? (
        <p role="alert" className="form-error rounded-md border border-destructive px-3 py-2 text-sm text-destructive">
          {message}
        </p>
      ) : null}
      <Button type="submit" disabled={submitting} className="w-full">
        {submitLabel}
      </Button>
    </form>
  );
}
