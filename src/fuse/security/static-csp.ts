import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * CSP for prerendered (static / ISR) pages. Their HTML is produced once and served from cache, so it
 * cannot carry a per-request nonce. Instead their inline scripts are allowed by SHA-256 hash: the
 * hashes are read from the prerendered HTML that `next build` (and every ISR regeneration) writes
 * under the build directory, recomputed whenever that file changes.
 */
const INLINE_SCRIPT = /<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi;

export function inlineScriptHashes(html: string): string[] {
  const hashes = new Set<string>();
  for (const match of html.matchAll(INLINE_SCRIPT)) {
    const body = match[1] ?? '';
    if (!body) continue;
    hashes.add(`sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}`);
  }
  return [...hashes];
}

const cache = new Map<string, { mtimeMs: number; hashes: string[] }>();

function distDir(): string {
  return path.join(/*turbopackIgnore: true*/ process.cwd(), process.env.FUSE_DIST_DIR || '.next');
}

/** Hashes of the inline scripts of a prerendered app page (`index` for `/`), or null when not prerendered. */
export function prerenderedScriptHashes(page: string): string[] | null {
  const file = path.join(/*turbopackIgnore: true*/ distDir(), 'server', 'app', `${page}.html`);
  try {
    const { mtimeMs } = statSync(file);
    const hit = cache.get(file);
    if (hit && hit.mtimeMs === mtimeMs) return hit.hashes;
    const hashes = inlineScriptHashes(readFileSync(file, 'utf8'));
    cache.set(file, { mtimeMs, hashes });
    return hashes;
  } catch {
    return null;
  }
}

let routes: { mtimeMs: number; pages: Map<string, string> } | null = null;

/**
 * The HTML file (without `.html`) of the page prerendered for `pathname`, from the build's
 * prerender manifest (`/` → `index`, `/sign-up` → `sign-up`), or null for a page rendered per request.
 */
export function prerenderedPageFor(pathname: string): string | null {
  const file = path.join(/*turbopackIgnore: true*/ distDir(), 'prerender-manifest.json');
  try {
    const { mtimeMs } = statSync(file);
    if (!routes || routes.mtimeMs !== mtimeMs) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as { routes?: Record<string, unknown> };
      const pages = new Map<string, string>();
      for (const route of Object.keys(manifest.routes ?? {})) {
        if (route.startsWith('/_') || route.startsWith('/api/')) continue;
        pages.set(route, route === '/' ? 'index' : route.slice(1));
      }
      routes = { mtimeMs, pages };
    }
    return routes.pages.get(pathname) ?? null;
  } catch {
    return null;
  }
}
