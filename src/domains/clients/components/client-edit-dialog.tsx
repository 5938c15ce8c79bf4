'use client';

import type { RefObject } from 'react';
import { Dialog, DialogContent } from '@/fuse/ui/dialog';
import type { ClientView } from '../queries';
import type { NewClientInput } from '../slice';
import { ClientForm } from './client-form';

/** Editing one client in a dialog (loaded on the first Edit click; focus returns to that button on close). */
export function ClientEditDialog({
  client,
  onClose,
  onSave,
  returnFocusTo,
}: {
  client: ClientView;
  /** Gets the focus back when the dialog closes (the Edit button it was opened from). */
  returnFocusTo: RefObject<HTMLElement | null>;
  onClose: () => void;
  onSave: (input: NewClientInput) => Promise<boolean>;
}) {
  return (
    <Dialog open onOpenChange={(open) => (open ? undefined : onClose())}>
      <DialogContent
        title="Edit client"
        description={`${client.firstName} ${client.lastName}`}
        onCloseAutoFocus={(event) => {
          event.preventDefault();
          returnFocusTo.current?.focus();
        }}
      >
        <ClientForm
          initial={client}
          submitLabel="Save"
          onCancel={onClose}
          onSubmit={async (input) => {
            onClose();
            return onSave(input);
          }}
        />
      </DialogContent>
    </Dialog>
  );
}
