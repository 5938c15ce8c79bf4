'use client';

import { useState, type FormEvent } from 'react';
import { Button } from '@/fuse/ui/button';
import { Field, Input, Select } from '@/fuse/ui/input';
import { CLIENT_STATUSES, type ClientStatus } from '../statuses';
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
  const editing = Boolean(initial.email);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const ok = await onSubmit({ firstName, lastName, email, status });
    if (ok && !editing) {
      setFirstName('');
      setLastName('');
      setEmail('');
    }
  }

  return (
    <form
      className={
        editing
          ? 'grid gap-3'
          : 'grid gap-3 sm:grid-cols-2 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)_minmax(0,1.4fr)_minmax(0,0.8fr)_8rem] lg:items-end'
      }
      onSubmit={submit}
      aria-label={submitLabel}
    >
      <Field label="First name">
        {(p) => (
          <Input
            {...p}
            name="firstName"
            value={firstName}
            onChange={(e) => setFirstName(e.target.value)}
            required
            maxLength={100}
            autoComplete="off"
          />
        )}
      </Field>
      <Field label="Last name">
        {(p) => (
          <Input {...p} name="lastName" value={lastName} onChange={(e) => setLastName(e.target.value)} required maxLength={100} autoComplete="off" />
        )}
      </Field>
      <Field label="Email">
        {(p) => (
          <Input
            {...p}
            name="email"
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            required
            maxLength={254}
            autoComplete="off"
          />
        )}
      </Field>
      <Field label="Status">
        {(p) => (
          <Select {...p} name="status" value={status} onChange={(e) => setStatus(e.target.value as ClientStatus)}>
            {CLIENT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <div className={editing ? 'mt-2 flex justify-end gap-2' : 'flex gap-2'}>
        {onCancel ? (
          <Button variant="outline" onClick={onCancel}>
            Cancel
          </Button>
        ) : null}
        <Button type="submit">{submitLabel}</Button>
      </div>
    </form>
  );
}
