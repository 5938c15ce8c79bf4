'use client';

import { useEffect } from 'react';
import { reportBrowserError } from '@/fuse/observability/track';

/** The root layout itself failed: this replaces the whole document, so it renders its own html/body. */
export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    reportBrowserError(error);
  }, [error]);
  return (
    <html lang="en">
      <body style={{ fontFamily: 'system-ui, sans-serif', padding: '3rem', textAlign: 'center' }}>
        <div role="alert">
          <h2>Something went wrong</h2>
          <p>FUSE could not be shown. Try again in a moment.</p>
          <button type="button" onClick={() => reset()}>
            Try again
          </button>
        </div>
      </body>
    </html>
  );
}
