'use client';

import { useState, type FormEvent } from 'react';
import { CLIENT_STATUSES, type ClientStatus } from '../schema';
import type { NewClientInput } from '../slice';

type Props = {
  initial?: Partial<NewClientInput>;
  submitLabel: string;
  onSubmit: (input: NewClientInput) => Promise<boolean>;
  onCancel?: () => void;
};

export function ClientForm({ initial = {}, submitLabel, onSubmit, onCancel }: Props) {
  const [firstName, setFirstName] = useState(initial.firstName ?? '');
  const [lastName, setLastName] = useState(initial.lastName ?? '');
  const [email, setEmail] = useState(initial.email ?? '');
  const [status, setStatus] = useState<ClientStatus>(initial.status ?? 'active');

  async function submit(event: FormEvent) {
    event.preventDefault();
    const ok = await onSubmit({ firstName, lastName, email, status });
    if (ok && !initial.email) {
      setFirstName('');
      setLastName('');
      setEmail('');
    }
  }

  return (
    <form className="client-form" onSubmit={submit} aria-label={submitLabel}>
      <input
        name="firstName"
        placeholder="First name"
        aria-label="First name"
        value={firstName}
        onChange={(e) => setFirstName(e.target.value)}
        required
        maxLength={100}
      />
      <input
        name="lastName"
        placeholder="Last name"
        aria-label="Last name"
        value={lastName}
        onChange={(e) => setLastName(e.target.value)}
        required
        maxLength={100}
      />
      <input
        name="email"
        type="email"
        placeholder="Email"
        aria-label="Email"
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        required
        maxLength={254}
      />
      <select name="status" aria-label="Status" value={status} onChange={(e) => setStatus(e.target.value as ClientStatus)}>
        {CLIENT_STATUSES.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
      <button type="submit">{submitLabel}</button>
      {onCancel ? (
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      ) : null}
    </form>
  );
}
