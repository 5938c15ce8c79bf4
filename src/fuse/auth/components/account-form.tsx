'use client';

import { useId, useState, type FormEvent, type ReactNode } from 'react';

type Field = { name: string; label: string; type?: string; autoComplete?: string; hint?: string };

type AccountFormProps = {
  action: string;
  method?: 'POST' | 'DELETE';
  fields?: Field[];
  submitLabel: string;
  /** Sent with the fields (a link's token). */
  extra?: Record<string, string>;
  /** The form's accessible name. */
  label: string;
  /** After success: go there (replacing the history entry: one-time links are not gone back to)... */
  next?: string;
  /** ...or show this message (the server's `message`, if it sends one, wins). */
  done?: string;
  children?: ReactNode;
};

/**
 * The account forms (reset, verification, email change, password, deletion): post JSON, show each
 * field's error next to it (tied to its input by aria-describedby) and a form-level error as an
 * alert, then go on or say what happened.
 */
export function AccountForm({ action, method = 'POST', fields = [], submitLabel, extra, label, next, done, children }: AccountFormProps) {
  const id = useId();
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
      <p role="status" className="form-success">
        {success}
      </p>
    );
  }
  return (
    <form onSubmit={submit} method="post" noValidate aria-label={label}>
      {children}
      {fields.map((f) => {
        const errorId = `${id}-${f.name}-error`;
        const hintId = `${id}-${f.name}-hint`;
        const described = [f.hint ? hintId : null, errors[f.name] ? errorId : null].filter(Boolean).join(' ') || undefined;
        return (
          <label key={f.name}>
            {f.label}
            <input
              name={f.name}
              type={f.type ?? 'text'}
              autoComplete={f.autoComplete}
              aria-invalid={errors[f.name] ? true : undefined}
              aria-describedby={described}
            />
            {f.hint ? (
              <span id={hintId} className="muted">
                {f.hint}
              </span>
            ) : null}
            {errors[f.name] ? (
              <span id={errorId} className="field-error">
                {errors[f.name]}
              </span>
            ) : null}
          </label>
        );
      })}
      {message ? (
        <p role="alert" className="form-error">
          {message}
        </p>
      ) : null}
      <button type="submit" disabled={busy}>
        {submitLabel}
      </button>
    </form>
  );
}
