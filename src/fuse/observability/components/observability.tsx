import { Analytics } from '@vercel/analytics/next';
import { SpeedInsights } from '@vercel/speed-insights/next';
import { WebVitalsReporter } from './web-vitals-reporter';
// Pages are bundled apart from route handlers, with their own copy of the data layer: loading the
// metrics module here (the root layout renders on every page) hooks the pages' copy of timed() too.
import '../metrics';

function sampleRate(): number {
  // Read directly (not config()): the root layout also renders while static pages are built.
  const raw = process.env.VITALS_SAMPLE_RATE;
  const n = raw ? Number(raw) : 1;
  return Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 1;
}

/** Rendered once in the root layout: the vitals/error reporter, and Vercel's analytics on Vercel. */
export function Observability() {
  const onVercel = Boolean(process.env.VERCEL);
  return (
    <>
      <WebVitalsReporter sampleRate={sampleRate()} />
      {onVercel && <Analytics />}
      {onVercel && <SpeedInsights />}
    </>
  );
}
