'use client';

import { useState } from 'react';
import type { SessionView } from '@/fuse/session/sessions';

/** The user's sessions with a "Sign out" per device; rendered from the server's list, updated as they end. */
export function SessionsList({ initial }: { initial: SessionView[] }) {
  const [sessions, setSessions] = useState(initial);
  const [error, setError] = useState<string | null>(null);

  async function end(id: string, current: boolean) {
    setError(null);
    const res = await fetch(`/api/auth/sessions/${id}`, { method: 'DELETE' }).catch(() => null);
    if (!res || (!res.ok && res.status !== 404)) {
      setError('That session could not be ended. Try again.');
      return;
    }
    if (current) {
      window.location.replace('/sign-in');
      return;
    }
    setSessions((list) => list.filter((s) => s.id !== id));
  }

  return (
    <>
      <ul className="sessions" aria-label="Your sessions">
        {sessions.map((s) => (
          <li key={s.id}>
            <strong>{s.device}</strong>
            {s.current ? ' (this device)' : ''}
            <br />
            <span className="muted">
              {s.ip ?? 'Unknown network'} · signed in {formatTime(s.createdAt)} · last seen {formatTime(s.lastSeenAt)}
            </span>{' '}
            <button
              type="button"
              className="link"
              onClick={() => end(s.id, s.current)}
              aria-label={`Sign out ${s.device}${s.current ? ' (this device)' : ''}`}
            >
              Sign out
            </button>
          </li>
        ))}
      </ul>
      {error ? (
        <p role="alert" className="form-error">
          {error}
        </p>
      ) : null}
    </>
  );
}

function formatTime(iso: string): string {
  return new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }) + ' UTC';
}

/** The dashboard's banner for an unverified address: sends the link again. */
export function ResendVerification() {
  const [state, setState] = useState<{ kind: 'idle' | 'sent' | 'error'; message?: string }>({ kind: 'idle' });
  if (state.kind === 'sent') return <span role="status">A new link is on its way. Check your inbox.</span>;
  return (
    <>
      <button
        type="button"
        className="link"
        onClick={async () => {
          const res = await fetch('/api/auth/verify-email/resend', { method: 'POST' }).catch(() => null);
          if (res?.ok) setState({ kind: 'sent' });
          else
            setState({
              kind: 'error',
              message: ((await res?.json().catch(() => null)) as { error?: string } | null)?.error ?? 'Could not send the link. Try again.',
            });
        }}
      >
        Resend the link
      </button>
      {state.kind === 'error' ? <span role="alert"> {state.message}</span> : null}
    </>
  );
}
