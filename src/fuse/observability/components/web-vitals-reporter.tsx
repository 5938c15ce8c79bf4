'use client';

import { useReportWebVitals } from 'next/web-vitals';
import { useCallback, useEffect } from 'react';
import { reportBrowserError, reportVital, setSampleRate } from '../track';

/** Reports this page load's web vitals (sampled) and uncaught browser errors. Renders nothing. */
export function WebVitalsReporter({ sampleRate }: { sampleRate: number }) {
  // A stable callback: Next re-subscribes to the browser's performance observers when it changes.
  const report = useCallback(
    (metric: { name: string; value: number; rating?: string; id?: string }) => {
      setSampleRate(sampleRate);
      reportVital(metric);
    },
    [sampleRate],
  );
  useReportWebVitals(report);
  useEffect(() => {
    const onError = (event: ErrorEvent) => {
      const err = event.error as Error | undefined;
      reportBrowserError({ name: err?.name, message: err?.message ?? event.message, stack: err?.stack });
    };
    const onRejection = (event: PromiseRejectionEvent) => {
      const reason = event.reason as Error | undefined;
      reportBrowserError({ name: reason?.name ?? 'UnhandledRejection', message: reason?.message ?? String(event.reason), stack: reason?.stack });
    };
    window.addEventListener('error', onError);
    window.addEventListener('unhandledrejection', onRejection);
    return () => {
      window.removeEventListener('error', onError);
      window.removeEventListener('unhandledrejection', onRejection);
    };
  }, []);
  return null;
}
