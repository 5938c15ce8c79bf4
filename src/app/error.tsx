'use client';

import { useEffect } from 'react';
import { reportBrowserError } from '@/fuse/observability/track';
import { Button } from '@/fuse/ui/button';

/** A route segment failed to render: say so plainly and offer a retry that re-renders the segment. */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    reportBrowserError(error);
  }, [error]);
  return (
    <div role="alert" className="error-state mx-auto my-10 max-w-md rounded-xl border border-border bg-card p-6 text-center shadow-sm">
      <h2>Something went wrong</h2>
      <p className="mt-1 mb-4 text-sm text-muted-foreground">The page could not be shown. Try again; if it keeps failing, the team has been told.</p>
      <Button onClick={() => reset()}>Try again</Button>
    </div>
  );
}
