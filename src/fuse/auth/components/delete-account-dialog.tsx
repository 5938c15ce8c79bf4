'use client';

import { useRef, type RefObject } from 'react';
import { Dialog, DialogClose, DialogContent } from '@/fuse/ui/dialog';
import { Button } from '@/fuse/ui/button';
import { AccountForm } from './account-form';

/** The account deletion's confirmation: the password, then the account is gone (loaded on first use). */
export function DeleteAccountDialog({ onClose, returnFocusTo }: { onClose: () => void; returnFocusTo: RefObject<HTMLElement | null> }) {
  const body = useRef<HTMLDivElement>(null);
  return (
    <Dialog open onOpenChange={(open) => (open ? undefined : onClose())}>
      <DialogContent
        title="Delete your account?"
        description="This cannot be undone. Enter your password to confirm."
        onOpenAutoFocus={(event) => {
          // The password field, not the dialog's close button: it is what the user came to fill in.
          const input = body.current?.querySelector<HTMLInputElement>('input[name="password"]');
          if (input) {
            event.preventDefault();
            input.focus();
          }
        }}
        onCloseAutoFocus={(event) => {
          event.preventDefault();
          returnFocusTo.current?.focus();
        }}
      >
        <div ref={body} className="flex flex-col gap-3">
          <AccountForm
            action="/api/account"
            method="DELETE"
            label="Delete your account"
            submitLabel="Delete my account"
            submitVariant="destructive"
            next="/"
            fields={[{ name: 'password', label: 'Your password', type: 'password', autoComplete: 'current-password' }]}
          />
          <DialogClose asChild>
            <Button variant="outline" className="self-start">
              Cancel
            </Button>
          </DialogClose>
        </div>
      </DialogContent>
    </Dialog>
  );
}
