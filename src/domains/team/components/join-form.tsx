'use client';

import { useState, type FormEvent } from 'react';

/** Accepting an invite: a new account (name and password) or an existing one (its password). */
export function JoinForm({ token, email, existingAccount }: { token: string; email: string; existingAccount: boolean }) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSubmitting(true);
    setErrors({});
    setMessage(null);
    const form = Object.fromEntries(new FormData(event.currentTarget)) as Record<string, string>;
    try {
      const res = await fetch('/api/team/invites/accept', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token, password: form.password, ...(existingAccount ? {} : { name: form.name }) }),
      });
      if (res.ok) {
        window.location.replace('/dashboard');
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
    <form onSubmit={submit} noValidate aria-label="Accept invitation">
      <label>
        Email
        <input value={email} readOnly />
      </label>
      {existingAccount ? null : (
        <label>
          Your name
          <input name="name" autoComplete="name" aria-invalid={errors.name ? true : undefined} />
          {errors.name ? <span className="field-error">{errors.name}</span> : null}
        </label>
      )}
      <label>
        {existingAccount ? 'Your password' : 'Choose a password'}
        <input name="password" type="password" autoComplete={existingAccount ? 'current-password' : 'new-password'} aria-invalid={errors.password ? true : undefined} />
        {errors.password ? <span className="field-error">{errors.password}</span> : null}
      </label>
      {message ? <p className="form-error" role="alert">{message}</p> : null}
      <button type="submit" disabled={submitting}>
        Join
      </button>
    </form>
  );
}
