import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { logger } from './logger';
import { processSingleton } from '@/fuse/singleton';

/**
 * The app's routes, for metric labels and web-vital pages: a request path is labelled with the route
 * pattern that serves it (`/api/clients/[id]`), never with the path itself, so anonymous requests
 * cannot create new Prometheus series or new page names. A path no route serves is `other`.
 *
 * The table is derived, never listed by hand: in production from the build's
 * `app-path-routes-manifest.json`, otherwise (development, tests) from the `src/app` folder. A test
 * keeps the two equal.
 */
export const OTHER_ROUTE = 'other';

export type RouteKind = 'page' | 'route';
export type AppRoute = { pattern: string; kind: RouteKind };

const PAGE_FILE = /^page\.(tsx|ts|jsx|js|mdx)$/;
const ROUTE_FILE = /^route\.(tsx|ts|jsx|js)$/;
/** Metadata files Next serves as route handlers at their own path (favicon.ico → /favicon.ico). */
const METADATA_FILE =
  /^(favicon\.ico|(apple-)?icon\.(ico|jpg|jpeg|png|svg)|robots\.(txt|ts|js)|sitemap\.(xml|ts|js)|manifest\.(json|webmanifest|ts|js))$/;

/** Next's own entries (`/_not-found`, `/_global-error`) answer no URL of their own. */
const isInternal = (pattern: string) => pattern.split('/').some((s) => s.startsWith('_'));

/** Routes from `app-path-routes-manifest.json` (`{ "/(auth)/join/page": "/join", "/api/x/route": "/api/x" }`). */
export function routesFromManifest(manifest: Record<string, string>): AppRoute[] {
  const routes: AppRoute[] = [];
  for (const [entry, pattern] of Object.entries(manifest)) {
    if (isInternal(pattern)) continue;
    routes.push({ pattern, kind: entry.endsWith('/page') ? 'page' : 'route' });
  }
  return sortRoutes(routes);
}

/** Routes from an App Router folder: route groups `(x)` and slots `@x` add no segment, `_x` folders are private. */
export function routesFromAppDir(dir: string): AppRoute[] {
  const routes: AppRoute[] = [];
  const walk = (folder: string, segments: string[]) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const name = entry.name;
      if (entry.isDirectory()) {
        if (name.startsWith('_') || name.startsWith('(.')) continue;
        const grouping = (name.startsWith('(') && name.endsWith(')')) || name.startsWith('@');
        walk(path.join(folder, name), grouping ? segments : [...segments, name]);
        continue;
      }
      const at = '/' + segments.join('/');
      if (PAGE_FILE.test(name)) routes.push({ pattern: at, kind: 'page' });
      else if (ROUTE_FILE.test(name)) routes.push({ pattern: at, kind: 'route' });
      else if (METADATA_FILE.test(name))
        routes.push({ pattern: path.posix.join(at, name.replace(/\.(ts|js)$/, metadataExtension(name))), kind: 'route' });
    }
  };
  walk(dir, []);
  return sortRoutes(routes.filter((r) => !isInternal(r.pattern)));
}

function metadataExtension(name: string): string {
  if (name.startsWith('robots')) return '.txt';
  if (name.startsWith('sitemap')) return '.xml';
  return '.webmanifest';
}

type Segment = { kind: 'static'; value: string } | { kind: 'dynamic' } | { kind: 'catchAll'; optional: boolean };

function parse(pattern: string): Segment[] {
  return pattern
    .split('/')
    .filter(Boolean)
    .map((s): Segment => {
      if (s.startsWith('[[...') && s.endsWith(']]')) return { kind: 'catchAll', optional: true };
      if (s.startsWith('[...') && s.endsWith(']')) return { kind: 'catchAll', optional: false };
      if (s.startsWith('[') && s.endsWith(']')) return { kind: 'dynamic' };
      return { kind: 'static', value: s };
    });
}

const RANK = { static: 0, dynamic: 1, catchAll: 2 } as const;

/** Next's precedence: at the first segment that differs, static beats dynamic beats catch-all. */
function sortRoutes(routes: AppRoute[]): AppRoute[] {
  const unique = [...new Map(routes.map((r) => [`${r.kind} ${r.pattern}`, r])).values()];
  const ranks = (r: AppRoute) => parse(r.pattern).map((s) => RANK[s.kind] + (s.kind === 'catchAll' && s.optional ? 1 : 0));
  return unique.sort((a, b) => {
    const ra = ranks(a);
    const rb = ranks(b);
    for (let i = 0; i < Math.max(ra.length, rb.length); i++) {
      const x = ra[i] ?? -1;
      const y = rb[i] ?? -1;
      if (x !== y) return x - y;
    }
    return a.pattern < b.pattern ? -1 : a.pattern > b.pattern ? 1 : 0;
  });
}

function matches(segments: Segment[], parts: string[]): boolean {
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    if (seg.kind === 'catchAll') return seg.optional || parts.length > i;
    const part = parts[i];
    if (part === undefined || part === '') return false;
    if (seg.kind === 'static' && seg.value !== part) return false;
  }
  return parts.length === segments.length;
}

export type RouteTable = {
  routes: readonly AppRoute[];
  /** The pattern of the route that serves `pathname` (query ignored), or null when none does. */
  match(pathname: string, kind?: RouteKind): string | null;
};

export function createRouteTable(routes: AppRoute[]): RouteTable {
  const sorted = sortRoutes(routes).map((r) => ({ ...r, segments: parse(r.pattern) }));
  return {
    routes: sorted.map(({ pattern, kind }) => ({ pattern, kind })),
    match(pathname, kind) {
      const clean = pathname.split('?')[0]!.split('#')[0]!;
      if (!clean.startsWith('/')) return null;
      // A trailing slash is the same route (Next redirects it to the path without one).
      const parts = clean.split('/').slice(1);
      if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
      if (parts.length === 1 && parts[0] === '') parts.pop();
      for (const r of sorted) {
        if (kind && r.kind !== kind) continue;
        if (matches(r.segments, parts)) return r.pattern;
      }
      return null;
    },
  };
}

/**
 * The running app's routes: the build's manifest (`<distDir>/app-path-routes-manifest.json`, the
 * distDir next.config.ts writes) in production, the `src/app` folder otherwise.
 */
export function loadAppRoutes(options: { production?: boolean; root?: string; distDir?: string } = {}): AppRoute[] {
  const root = options.root ?? process.cwd();
  const distDir = options.distDir ?? (process.env.FUSE_DIST_DIR || '.next');
  const production = options.production ?? process.env.NODE_ENV === 'production';
  const fromManifest = () => {
    const file = path.join(/*turbopackIgnore: true*/ root, distDir, 'app-path-routes-manifest.json');
    return existsSync(file) ? routesFromManifest(JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : null;
  };
  const fromSource = () => {
    const dir = path.join(/*turbopackIgnore: true*/ root, 'src', 'app');
    return existsSync(dir) ? routesFromAppDir(dir) : null;
  };
  try {
    return (production ? (fromManifest() ?? fromSource()) : (fromSource() ?? fromManifest())) ?? [];
  } catch {
    return [];
  }
}

const globalForRoutes = processSingleton('routeTable', (): { fuseRouteTable?: RouteTable } => ({}));

/** The process's route table, loaded once (routes change only with a new build). */
export function appRouteTable(): RouteTable {
  if (!globalForRoutes.fuseRouteTable) {
    const routes = loadAppRoutes();
    // Every request would be labelled `other`: still bounded, but say why.
    if (routes.length === 0) logger.warn('metrics: no route table found (build manifest or src/app); every request is labelled "other"');
    globalForRoutes.fuseRouteTable = createRouteTable(routes);
  }
  return globalForRoutes.fuseRouteTable;
}

/** Replaces the process's route table (tests). */
export function setAppRouteTable(table: RouteTable | undefined): void {
  globalForRoutes.fuseRouteTable = table;
}
