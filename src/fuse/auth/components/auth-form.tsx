'use client';

import { useState, type FormEvent } from 'react';

type Field = { name: string; label: string; type?: string; autoComplete?: string };

/** Sign-in and sign-up forms: post JSON to the auth API, show field errors, then go where asked. */
export function AuthForm({ action, fields, submitLabel, next }: { action: string; fields: Field[]; submitLabel: string; next: string }) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSubmitting(true);
    setErrors({});
    setMessage(null);
    const body = Object.fromEntries(new FormData(event.currentTarget));
    try {
      const res = await fetch(action, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (res.ok) {
        window.location.assign(next);
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
    <form onSubmit={submit} noValidate>
      {fields.map((f) => (
        <label key={f.name}>
          {f.label}
          <input name={f.name} type={f.type ?? 'text'} autoComplete={f.autoComplete} aria-invalid={errors[f.name] ? true : undefined} />
          {errors[f.name] ? <span className="field-error">{errors[f.name]}</span> : null}
        </label>
      ))}
      {message ? (
        <p role="alert" className="form-error">
          {message}
        </p>
      ) : null}
      <button type="submit" disabled={submitting}>
        {submitLabel}
      </button>
    </form>
  );
}
