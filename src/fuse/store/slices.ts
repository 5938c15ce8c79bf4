import type { AnyLiveEvent } from '@/fuse/live/events';
import type { Session } from '@/fuse/session/token';

/**
 * A change event from the live stream, as each slice's `apply` receives it: one of the events the
 * domains declare (src/domains/<domain>/events.ts), so checking `domain` and `kind` types `data`.
 */
export type LiveChange = AnyLiveEvent & { id: number; entityId: string; mutationId: string | null };

export type SessionView = Pick<Session, 'userId' | 'businessId' | 'rank' | 'name' | 'email' | 'theme'>;

export type SessionSlice = { session: SessionView };

export type UiSlice = {
  ui: {
    online: boolean;
    toast: { kind: 'error' | 'info'; message: string } | null;
    showToast: (kind: 'error' | 'info', message: string) => void;
    dismissToast: () => void;
    setOnline: (online: boolean) => void;
  };
};

type Set<T> = (partial: Partial<T> | ((state: T) => Partial<T>)) => void;

export function sessionSlice(session: Session | SessionView): SessionSlice {
  return {
    session: {
      userId: session.userId,
      businessId: session.businessId,
      rank: session.rank,
      name: session.name,
      email: session.email,
      theme: session.theme,
    },
  };
}

export function uiSlice<T extends UiSlice>(set: Set<T>): UiSlice {
  const update = (patch: Partial<UiSlice['ui']>) => set((state) => ({ ui: { ...state.ui, ...patch } }) as Partial<T>);
  return {
    ui: {
      online: true,
      toast: null,
      showToast: (kind, message) => update({ toast: { kind, message } }),
      dismissToast: () => update({ toast: null }),
      setOnline: (online) => update({ online }),
    },
  };
}
