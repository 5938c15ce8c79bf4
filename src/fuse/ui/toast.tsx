'use client';

import { CircleAlert, CircleCheck, X } from 'lucide-react';
import { useEffect } from 'react';
import { cn } from './cn';

export type ToastMessage = { kind: 'error' | 'info'; message: string };

/**
 * One message at the bottom of the screen. An error is an alert (read at once) and stays until
 * dismissed; an info is a polite status and leaves by itself after a few seconds. The polite region
 * is always in the page, empty until a notice comes, so screen readers announce what is put in it.
 */
export function ToastView({ toast, onDismiss }: { toast: ToastMessage | null; onDismiss: () => void }) {
  useEffect(() => {
    if (toast?.kind !== 'info') return;
    const id = setTimeout(onDismiss, 6_000);
    return () => clearTimeout(id);
  }, [toast, onDismiss]);
  const error = toast?.kind === 'error';
  // The regions hold the place at the bottom of the screen; empty, they have no height to get in the way.
  const place = 'fixed right-4 bottom-4 left-4 z-50 sm:left-auto sm:w-96';
  return (
    <>
      <div role="status" aria-live="polite" aria-atomic="true" className={place}>
        {toast && !error ? <ToastBox toast={toast} onDismiss={onDismiss} /> : null}
      </div>
      {toast && error ? (
        <div role="alert" className={place}>
          <ToastBox toast={toast} onDismiss={onDismiss} />
        </div>
      ) : null}
    </>
  );
}

function ToastBox({ toast, onDismiss }: { toast: ToastMessage; onDismiss: () => void }) {
  const error = toast.kind === 'error';
  const Icon = error ? CircleAlert : CircleCheck;
  return (
    <div
      data-toast={toast.kind}
      className={cn(
        'toast flex items-start gap-3 rounded-lg border bg-card p-3 text-sm text-card-foreground shadow-lg',
        error ? 'border-destructive' : 'border-border',
      )}
    >
      <Icon aria-hidden className={cn('mt-0.5 size-4 shrink-0', error ? 'text-destructive' : 'text-success')} />
      <span className="min-w-0 flex-1 break-words">{toast.message}</span>
      <button
        type="button"
        onClick={onDismiss}
        aria-label="Dismiss"
        className="-m-1 cursor-pointer rounded-md p-1 text-muted-foreground hover:bg-muted"
      >
        <X aria-hidden className="size-4" />
      </button>
    </div>
  );
}
