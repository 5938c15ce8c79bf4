import 'server-only';
import { z } from 'zod';
import { config } from '@/fuse/config';
import type { Database } from '@/fuse/db/client';
import { readBeacon } from './beacon';
import { captureError } from './errors';
import { allowIngest, INGEST_LIMITS } from './ingest-limit';
import { metrics } from './metrics';
import { processSingleton } from '@/fuse/singleton';

/** What the browser reports about an error; everything is re-scrubbed and bounded on the server. */
export const browserErrorInput = z.object({
  name: z.string().max(200).optional(),
  message: z.string().min(1).max(2_000),
  stack: z.string().max(8_000).optional(),
  page: z.string().max(500).startsWith('/'),
  digest: z.string().max(100).optional(),
});

export type BrowserErrorInput = z.infer<typeof browserErrorInput>;

/** A fingerprint forwarded to Sentry less than this long ago is only counted locally. */
const SENTRY_REPEAT_MS = 60_000;
const MAX_REMEMBERED = 5_000;
const forwarded = processSingleton('browserErrorsForwarded', () => new Map<string, number>());

/**
 * True when this browser error should go to Sentry: at most once a minute per fingerprint on this
 * instance. Every user of a broken page reports the same error; Sentry needs it once, and the local
 * table keeps the exact count.
 */
export function forwardToSentry(fingerprint: string, now = Date.now()): boolean {
  const last = forwarded.get(fingerprint);
  if (last !== undefined && now - last < SENTRY_REPEAT_MS) return false;
  forwarded.delete(fingerprint);
  forwarded.set(fingerprint, now);
  // Map order is insertion order: the oldest entry goes first.
  if (forwarded.size > MAX_REMEMBERED) forwarded.delete(forwarded.keys().next().value!);
  return true;
}

export type BrowserErrorResult = { status: 202; fingerprint: string | null } | { status: 400 | 413 | 429; error: string };

/**
 * POST /api/errors: rate limited per client address, validated, then sampled
 * (BROWSER_ERRORS_SAMPLE_RATE) before anything is written or sent. A report sampled out is answered
 * like any other (the browser does not read the answer) and only counted.
 */
export async function receiveBrowserError(
  request: Request,
  context: { client: string; requestId: string | null; db?: Database; random?: () => number },
): Promise<BrowserErrorResult> {
  if (!(await allowIngest('errors', context.client, INGEST_LIMITS.errors))) return { status: 429, error: 'Too many error reports.' };
  const body = await readBeacon(request, 16 * 1024);
  if (!body.ok) return { status: body.status as 400 | 413, error: body.error };
  const parsed = browserErrorInput.safeParse(body.value);
  if (!parsed.success) return { status: 400, error: 'Invalid error report.' };
  if ((context.random ?? Math.random)() >= config().browserErrorsSampleRate) {
    metrics.browserErrorsSampledOut.inc();
    return { status: 202, fingerprint: null };
  }
  const e = parsed.data;
  const fingerprint = await captureError(
    { source: 'browser', name: e.name ?? 'Error', message: e.message, stack: e.stack, path: e.page, requestId: context.requestId },
    { db: context.db, toSentry: forwardToSentry },
  );
  return { status: 202, fingerprint };
}
