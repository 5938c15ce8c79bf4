#!/usr/bin/env node
// `npm run budget`: first-load JavaScript (gzipped) of every dashboard page, read from the build
// output, printed as a table; exits 1 when a page is over the budget (default 175 KB: the
// dashboard pages load 152-161 KB since the previews, zod and Drizzle left the first load; it was 215).
//
// First-load JS of a page = the framework's root chunks (build-manifest `rootMainFiles`) plus every
// chunk its route tree loads up front (the `entryJSFiles` of the page's client-reference manifest:
// layouts, error boundaries, the page). Polyfills are excluded: modern browsers skip them (nomodule).
//
// It also fails when a page's first-load chunks carry server-only code: the ORM's table builders
// (drizzle-orm/pg-core) reach the browser when a client component imports a domain's schema.ts
// instead of a module free of it (statuses.ts); they cost every page its download and evaluation.
//
// Usage: node scripts/bundle-budget.mjs [--dist .next] [--budget-kb 175] [--prefix /dashboard] [--json]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { gzipSync } from 'node:zlib';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const dist = path.resolve(arg('dist', process.env.FUSE_DIST_DIR || '.next'));
const budgetKb = Number(arg('budget-kb', process.env.BUNDLE_BUDGET_KB || 175));
const prefix = arg('prefix', '/dashboard');
const asJson = process.argv.includes('--json');

if (!existsSync(path.join(dist, 'build-manifest.json'))) {
  console.error(`budget: no build in ${dist} (run \`npm run build\` first, or pass --dist)`);
  process.exit(2);
}
const buildManifest = JSON.parse(readFileSync(path.join(dist, 'build-manifest.json'), 'utf8'));
const rootFiles = buildManifest.rootMainFiles ?? [];

/** Code that belongs on the server only, by a string its build output keeps (drizzle's entity kinds). */
const SERVER_ONLY = [{ name: 'drizzle-orm (database schema)', marker: '"PgTable"' }];

/** One read of a chunk: its gzipped size, and the server-only code it carries (see SERVER_ONLY). */
const chunkCache = new Map();
function chunk(file) {
  if (!chunkCache.has(file)) {
    const abs = path.join(dist, file.replace(/^\/?_next\//, ''));
    const bytes = existsSync(abs) ? readFileSync(abs) : null;
    const text = bytes && file.endsWith('.js') ? bytes.toString('utf8') : '';
    chunkCache.set(file, {
      gzipped: bytes ? gzipSync(bytes, { level: 9 }).length : 0,
      serverOnly: SERVER_ONLY.filter((s) => text.includes(s.marker)).map((s) => s.name),
    });
  }
  return chunkCache.get(file);
}

/** Every `page_client-reference-manifest.js` under server/app, with its route. */
function pageManifests(dir = path.join(dist, 'server', 'app'), rel = '') {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...pageManifests(path.join(dir, e.name), `${rel}/${e.name}`));
    else if (e.name === 'page_client-reference-manifest.js') out.push({ file: path.join(dir, e.name), route: rel || '/' });
  }
  return out;
}

/** The route as a URL path: route groups `(x)` dropped. */
const urlOf = (route) =>
  route
    .split('/')
    .filter((s) => s && !/^\(.*\)$/.test(s))
    .reduce((a, s) => `${a}/${s}`, '') || '/';

const rows = [];
for (const { file, route } of pageManifests()) {
  const url = urlOf(route);
  if (!(url === prefix || url.startsWith(`${prefix}/`))) continue;
  const sandbox = { globalThis: {} };
  vm.runInNewContext(readFileSync(file, 'utf8'), sandbox);
  const manifests = sandbox.globalThis.__RSC_MANIFEST ?? {};
  const manifest = Object.values(manifests)[0] ?? {};
  const files = new Set(rootFiles);
  for (const list of Object.values(manifest.entryJSFiles ?? {})) for (const f of list) files.add(f);
  const bytes = [...files].reduce((n, f) => n + chunk(f).gzipped, 0);
  const serverOnly = [...new Set([...files].flatMap((f) => chunk(f).serverOnly))];
  rows.push({ page: url, files: files.size, kb: Math.round((bytes / 1024) * 10) / 10, serverOnly });
}
rows.sort((a, b) => a.page.localeCompare(b.page));

if (!rows.length) {
  console.error(`budget: no pages under ${prefix} in ${dist}`);
  process.exit(2);
}
const over = rows.filter((r) => r.kb > budgetKb);
const leaking = rows.filter((r) => r.serverOnly.length > 0);
if (asJson) {
  console.log(JSON.stringify({ budgetKb, rows, over: over.map((r) => r.page), serverOnly: leaking.map((r) => r.page) }));
} else {
  const w = Math.max(4, ...rows.map((r) => r.page.length));
  console.log(`First-load JS (gzipped), budget ${budgetKb} KB`);
  console.log(`${'Page'.padEnd(w)}  ${'Chunks'.padStart(6)}  ${'KB'.padStart(7)}  Status`);
  for (const r of rows) {
    const status = [r.kb > budgetKb ? 'OVER' : 'ok', ...r.serverOnly.map((name) => `server-only code: ${name}`)].join(', ');
    console.log(`${r.page.padEnd(w)}  ${String(r.files).padStart(6)}  ${r.kb.toFixed(1).padStart(7)}  ${status}`);
  }
}
if (over.length) console.error(`budget: ${over.length} page(s) over ${budgetKb} KB: ${over.map((r) => r.page).join(', ')}`);
if (leaking.length) console.error(`budget: server-only code in the first load of ${leaking.map((r) => r.page).join(', ')}`);
if (over.length || leaking.length) process.exit(1);
