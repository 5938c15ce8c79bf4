/**
 * Lighthouse 12.2.3 (pinned: 13 needs Node 22) on a signed-in page with Debian's Chromium, desktop
 * and mobile presets. The session cookie goes in as an extra header, so no browser automation is
 * needed to sign in. `npx tsx bench/lighthouse.ts <url> <cookie>` runs it alone.
 */
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../src/fuse/tooling/chromium';
import type { LighthouseResult } from './report';

/**
 * Each preset `runs` times, reporting the run with the median performance score (Lighthouse's own
 * advice for variance: one run on a shared machine swings by ten points or more).
 */
export async function runLighthouse(url: string, cookie: string, runs = 1): Promise<LighthouseResult[]> {
  const results: LighthouseResult[] = [];
  for (const preset of ['desktop', 'mobile'] as const) {
    const tries: LighthouseResult[] = [];
    for (let i = 0; i < runs; i++) tries.push(await runOnce(url, cookie, preset));
    tries.sort((x, y) => (x.scores.performance ?? 0) - (y.scores.performance ?? 0));
    const median = tries[Math.floor(tries.length / 2)]!;
    results.push({ ...median, runs: tries.length, performanceScores: tries.map((t) => t.scores.performance ?? 0) });
  }
  return results;
}

/**
 * Lighthouse sometimes loses its own trace of a load on a busy machine (NO_NAVSTART, NO_FCP and
 * the like: "Please run Lighthouse again"). Such a run measured nothing, so it is run again, up to
 * twice; any other error (a redirect to sign-in, a page error) stops the benchmark.
 */
const RETRIED = new Set(['NO_NAVSTART', 'NO_FCP', 'NO_LCP', 'NO_TRACING_STARTED', 'NO_DCL', 'NO_SCREENSHOTS']);

async function runOnce(url: string, cookie: string, preset: 'desktop' | 'mobile'): Promise<LighthouseResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await measure(url, cookie, preset);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (!code || !RETRIED.has(code) || attempt === 3) throw err;
      process.stderr.write(`bench:   lighthouse ${preset}: ${code}, run again\n`);
    }
  }
}

async function measure(url: string, cookie: string, preset: 'desktop' | 'mobile'): Promise<LighthouseResult> {
  {
    const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM_PATH, chromeFlags: CHROMIUM_FLAGS });
    try {
      const runner = await lighthouse(
        url,
        {
          port: chrome.port,
          output: 'json',
          logLevel: 'error',
          onlyCategories: ['performance', 'accessibility', 'best-practices'],
          extraHeaders: { Cookie: cookie },
        },
        preset === 'desktop' ? desktopConfig : undefined,
      );
      if (!runner) throw new Error('lighthouse returned no result');
      const lhr = runner.lhr;
      if (lhr.runtimeError) throw Object.assign(new Error(`lighthouse: ${lhr.runtimeError.message}`), { code: lhr.runtimeError.code });
      if (lhr.finalDisplayedUrl && !lhr.finalDisplayedUrl.includes('/dashboard')) {
        throw new Error(`lighthouse was redirected to ${lhr.finalDisplayedUrl}: the cookie did not sign it in`);
      }
      const scores: Record<string, number> = {};
      for (const [id, cat] of Object.entries(lhr.categories)) scores[id] = Math.round((cat.score ?? 0) * 100);
      const num = (id: string) => Number(lhr.audits[id]?.numericValue ?? Number.NaN);
      const result: LighthouseResult = {
        preset,
        scores,
        fcpMs: num('first-contentful-paint'),
        lcpMs: num('largest-contentful-paint'),
        tbtMs: num('total-blocking-time'),
        cls: num('cumulative-layout-shift'),
      };
      process.stderr.write(`bench:   lighthouse ${preset}: ${JSON.stringify(result)}\n`);
      return result;
    } finally {
      chrome.kill();
    }
  }
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const [url, cookie] = process.argv.slice(2);
  if (!url || !cookie) {
    process.stderr.write('usage: tsx bench/lighthouse.ts <url> <cookie>\n');
    process.exit(2);
  }
  runLighthouse(url, cookie).then((r) => process.stdout.write(JSON.stringify(r, null, 2) + '\n'));
}
