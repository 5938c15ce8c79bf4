'use client';

import type { SessionView } from '@/fuse/store/slices';
import type { WidgetPage } from '../queries';
import { WidgetsProvider } from './widgets-provider';
import { WidgetsView } from './widgets-view';

/** The widgets page drawn from a preloaded slice (instant navigation), until the server's render arrives. */
export function WidgetsPreview({ data, session }: { data: unknown; session: SessionView }) {
  return (
    <WidgetsProvider initial={{ session, widgets: { ...(data as WidgetPage), filter: { status: 'active' } } }} livePosition={null}>
      <WidgetsView />
    </WidgetsProvider>
  );
}
