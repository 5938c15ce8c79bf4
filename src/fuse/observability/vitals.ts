import 'server-only';
import { z } from 'zod';
import { getDb, type Database } from '@/fuse/db/client';
import { timed } from '@/fuse/db/timed';
import { logger } from './logger';
import { metrics, routeLabel } from './metrics';
import { webVitals } from './schema';

/** The web vitals Next reports, and custom metrics from `trackPerformance` (lower-case names). */
export const STANDARD_VITALS = [
  'CLS',
  'FCP',
  'FID',
  'INP',
  'LCP',
  'TTFB',
  'Next.js-hydration',
  'Next.js-route-change-to-render',
  'Next.js-render',
] as const;

export const vitalInput = z.object({
  name: z.union([z.enum(STANDARD_VITALS), z.string().regex(/^[a-z][a-z0-9_.-]{0,47}$/, 'custom metric names are lower-case words')]),
  value: z.number().finite().min(0).max(600_000),
  page: z.string().min(1).max(300).startsWith('/'),
  rating: z.enum(['good', 'needs-improvement', 'poor']).optional(),
  id: z.string().max(100).optional(),
});

/** One beacon may carry a few measurements (the browser batches them on page hide). */
export const vitalsBody = z.union([vitalInput, z.array(vitalInput).min(1).max(20)]);

export type VitalInput = z.infer<typeof vitalInput>;

/**
 * Stores measurements and feeds the web-vitals histograms. The page is stored as the app page that
 * serves it (`/dashboard/clients`), a path no page serves as `other`: a beacon cannot invent pages.
 */
export async function storeVitals(db: Database, items: VitalInput[]): Promise<void> {
  const rows = items.map((v) => ({ page: routeLabel(v.page, 'page'), name: v.name, value: v.value, rating: v.rating ?? null }));
  for (const r of rows) {
    if (r.name === 'CLS') metrics.webVitalCls.observe({ page: r.page }, r.value);
    else
      metrics.webVitalDuration.observe(
        { name: (STANDARD_VITALS as readonly string[]).includes(r.name) ? r.name : 'custom', page: r.page },
        r.value / 1000,
      );
  }
  await timed('observability.storeVitals', () => db.insert(webVitals).values(rows));
}

/**
 * Validates a beacon body and stores it; false when it is not a valid report. Storage failures are
 * logged, not surfaced: the browser does not read the answer of a beacon.
 */
export async function storeReportedVitals(raw: unknown, db?: Database): Promise<boolean> {
  const parsed = vitalsBody.safeParse(raw);
  if (!parsed.success) return false;
  const items = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
  try {
    await storeVitals(db ?? getDb(), items);
  } catch (err) {
    logger.warn({ err }, 'could not store web vitals');
  }
  return true;
}
