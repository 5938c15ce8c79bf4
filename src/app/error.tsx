'use client';

import { useEffect } from 'react';
import { reportBrowserError } from '@/fuse/observability/track';

/** A route segment failed to render: say so plainly and offer a retry that re-renders the segment. */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    reportBrowserError(error);
  }, [error]);
  return (
    <div role="alert" className="error-state">
      <h2>Something went wrong</h2>
      <p>The page could not be shown. Try again; if it keeps failing, the team has been told.</p>
      <button type="button" onClick={() => reset()}>
        Try again
      </button>
    </div>
  );
}
