'use client';

import { Monitor } from 'lucide-react';
import { useRef, useState } from 'react';
import type { SessionView } from '@/fuse/session/sessions';
import { Badge } from '@/fuse/ui/badge';
import { Button } from '@/fuse/ui/button';
import { useOnDemand } from '@/fuse/ui/on-demand';

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
      <ul className="sessions flex flex-col divide-y divide-border" aria-label="Your sessions">
        {sessions.map((s) => (
          <li key={s.id} className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2 py-3 first:pt-0 last:pb-0">
            <div className="flex min-w-0 gap-3">
              <Monitor aria-hidden className="mt-0.5 size-5 shrink-0 text-muted-foreground" />
              <div className="min-w-0">
                <div className="flex flex-wrap items-center gap-2 text-sm">
                  <strong className="font-medium break-words">{s.device}</strong>
                  {s.current ? (
                    <>
                      {' '}
                      <Badge tone="success">(this device)</Badge>
                    </>
                  ) : null}
                </div>
                <p className="text-xs break-words text-muted-foreground">
                  {s.ip ?? 'Unknown network'} · signed in {formatTime(s.createdAt)} · last seen {formatTime(s.lastSeenAt)}
                </p>
              </div>
            </div>
            <Button
              variant="outline"
              size="sm"
              onClick={() => end(s.id, s.current)}
              aria-label={`Sign out ${s.device}${s.current ? ' (this device)' : ''}`}
            >
              Sign out
            </Button>
          </li>
        ))}
      </ul>
      {error ? (
        <p role="alert" className="form-error mt-3 rounded-md border border-destructive px-3 py-2 text-sm text-destructive">
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
      <Button
        variant="link"
        className="inline"
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
      </Button>
      {state.kind === 'error' ? (
        <span role="alert" className="text-destructive">
          {' '}
          {state.message}
        </span>
      ) : null}
    </>
  );
}

const loadDeleteDialog = () => import('./delete-account-dialog');

/**
 * "Delete my account…": opens a dialog that asks for the password (Radix: focus moves into it and
 * returns to this button on close). The dialog's code loads on first use.
 */
export function DeleteAccount() {
  const trigger = useRef<HTMLButtonElement>(null);
  const [opened, setOpened] = useState(false);
  const { loaded, prefetch, open } = useOnDemand(loadDeleteDialog);
  return (
    <>
      <Button
        ref={trigger}
        variant="destructive"
        aria-haspopup="dialog"
        onPointerEnter={prefetch}
        onFocus={prefetch}
        onClick={() => (setOpened(true), open())}
      >
        Delete my account…
      </Button>
      {opened && loaded ? <loaded.DeleteAccountDialog onClose={() => setOpened(false)} returnFocusTo={trigger} /> : null}
    </>
  );
}
