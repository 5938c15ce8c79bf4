'use client';

import type { SessionView } from '@/fuse/store/slices';
import type { FinanceInitial } from '../slice';
import { FinanceProvider } from './finance-provider';
import { FinanceView } from './finance-view';

/** The finance page drawn from a preloaded slice (instant navigation), until the server's render arrives. */
export function FinancePreview({ data, session }: { data: unknown; session: SessionView }) {
  return (
    <FinanceProvider initial={{ session, finance: data as FinanceInitial }} livePosition={null}>
      <FinanceView firstRows={15} />
    </FinanceProvider>
  );
}
