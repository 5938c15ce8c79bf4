/**
 * `npm run bench:profile`: where a signed-in request's CPU goes. Serves the production build with
 * `--cpu-prof`, loads `GET /api/clients?status=active` and `/dashboard/clients` (one after the other,
 * each in its own server so each profile holds one route), and the bare Next.js app doing the same
 * work (bench/bare-next; `--no-bare` skips it), maps every sampled frame back to its source through
 * the build's source maps, and reports the CPU per request of each piece of FUSE's machinery next to
 * the framework's and the product's own work.
 *
 * Options: --scale N (data set, default 0.01), --seconds S (per route, default 10), --connections C (10),
 * --routes R1,R2 (FUSE routes to profile; the bare app runs beside the two it answers),
 * --label L (added to the file names), --no-build (profile the build already there), --read-cache-off
 * (also the JSON list on a server with READ_CACHE_MAX_ENTRIES=0).
 * Writes bench/results/profile-<date>[-<label>].md and the raw profiles (bench/results/profile-<date>-<route>.cpuprofile,
 * which Chrome DevTools and speedscope open as flame graphs).
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { scaleUserEmail, SCALE_PASSWORD } from '../src/cli/scale-seed';
import {
  arg,
  buildBareNext,
  buildIfNeeded,
  ensureScaleDatabase,
  flag,
  log,
  recordOneChange,
  ROOT,
  signInCookie,
  startApp,
  startBareNext,
  today,
} from './lib';

type CallFrame = { functionName: string; url: string; lineNumber: number; columnNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type CpuProfile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

/** A piece of the work, recognised by the source file (and function) a frame maps to. */
type Piece = { name: string; match: (source: string, fn: string) => boolean };

/** Checked in order: the first piece a stack's frames match (innermost frame first) gets the sample. */
const PIECES: Piece[] = [
  { name: 'session cookie verification (jose, claims)', match: (s) => s.includes('/jose/') || s.endsWith('src/fuse/session/token.ts') },
  { name: 'session revocation / refresh (memory)', match: (s) => /src\/fuse\/session\/(refresh|revoked|server|cookie)\.ts$/.test(s) },
  {
    name: 'rate limit (Redis round trip, ioredis)',
    match: (s) => s.includes('/ioredis/') || s.includes('/redis-parser/') || s.includes('src/fuse/ratelimit/'),
  },
  { name: 'CSP nonce and security headers', match: (s) => /src\/fuse\/security\/(headers|request-policy|static-csp)\.ts$/.test(s) },
  { name: 'request id, client IP, origin check', match: (s) => /src\/fuse\/security\/(client-ip|origin|peer-address|request-ip)\.ts$/.test(s) },
  { name: 'request logger (pino)', match: (s) => s.includes('/pino') || /src\/fuse\/observability\/(logger|request)\.ts$/.test(s) },
  {
    name: 'metrics (prom-client, route label)',
    match: (s) => s.includes('/prom-client/') || /src\/fuse\/observability\/(metrics|route-table)\.ts$/.test(s),
  },
  { name: 'live position (outboxPosition query)', match: (s) => s.endsWith('src/fuse/live/outbox.ts') },
  {
    name: 'query building and rows (drizzle, pg)',
    match: (s) => s.includes('/drizzle-orm/') || s.includes('/pg/') || s.includes('/pg-protocol/') || s.includes('/pg-pool/'),
  },
  { name: 'validation (zod)', match: (s) => s.includes('/zod/') },
  { name: 'FUSE proxy (the rest of src/proxy.ts)', match: (s) => s.endsWith('src/proxy.ts') },
  { name: 'FUSE handler wrapper (withSession, json)', match: (s) => s.endsWith('src/fuse/http/handler.ts') },
  { name: 'read cache (position query, lookup)', match: (s) => /src\/fuse\/http\/read-cache(-store)?\.ts$/.test(s) },
  { name: 'product code (src/domains, src/app, other src/fuse)', match: (s) => s.startsWith(`${ROOT}/src/`) },
  { name: 'React rendering (RSC + HTML)', match: (s) => /react-dom|react-server-dom|\/react\//.test(s) },
  { name: 'Next.js framework', match: (s) => s.includes('/next/') },
  { name: 'Node.js core (http, streams, crypto)', match: (s) => s.startsWith('node:') || s === '' },
];

const maps = new Map<string, SourceMap | null>();

function sourceMapFor(url: string): SourceMap | null {
  if (maps.has(url)) return maps.get(url)!;
  let map: SourceMap | null = null;
  try {
    const file = url.startsWith('file://') ? fileURLToPath(url) : url;
    map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
  } catch {
    map = null;
  }
  maps.set(url, map);
  return map;
}

/** The original source of a frame: through the chunk's source map when it has one. */
function sourceOf(frame: CallFrame): string {
  if (!frame.url) return frame.functionName.startsWith('(') ? frame.functionName : '';
  const map = sourceMapFor(frame.url);
  if (map) {
    const entry = map.findEntry(frame.lineNumber, frame.columnNumber) as { originalSource?: string };
    if (entry?.originalSource) {
      const file = frame.url.startsWith('file://') ? fileURLToPath(frame.url) : frame.url;
      const resolved = path.resolve(path.dirname(file), entry.originalSource.replace(/^turbopack:\/\/\/\[project\]\//, `${ROOT}/`));
      // drizzle-orm ships its TypeScript sources; the build's map names them without the package.
      return resolved.startsWith(path.resolve(ROOT, '..', 'node_modules/src/')) ? `/node_modules/drizzle-orm/${path.basename(resolved)}` : resolved;
    }
  }
  return frame.url;
}

type Breakdown = { totalMs: number; idleMs: number; pieces: Map<string, number> };

/** The pieces' CPU over the samples taken between `from` and `to` (µs on the monotonic clock V8 and process.hrtime share). */
export function breakdown(profile: CpuProfile, from = -Infinity, to = Infinity): Breakdown {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const pieceOfNode = new Map<number, string>();
  const classify = (id: number): string => {
    const cached = pieceOfNode.get(id);
    if (cached) return cached;
    const frame = byId.get(id)!.callFrame;
    let result: string;
    if (frame.functionName === '(idle)' || frame.functionName === '(program)') result = frame.functionName;
    else if (frame.functionName === '(garbage collector)') result = 'garbage collection';
    else {
      // The innermost frame that belongs to a named piece decides; frames of no piece defer to their caller.
      const source = sourceOf(frame);
      const piece = PIECES.slice(0, -3).find((p) => p.match(source, frame.functionName));
      const p = parent.get(id);
      if (piece) result = piece.name;
      else {
        const outer = p !== undefined ? classify(p) : null;
        const own = PIECES.slice(-3).find((x) => x.match(source, frame.functionName))?.name ?? 'other';
        // A framework or core frame called from a FUSE piece is that piece's cost.
        result = outer && PIECES.slice(0, -3).some((x) => x.name === outer) ? outer : own;
      }
    }
    pieceOfNode.set(id, result);
    return result;
  };
  const pieces = new Map<string, number>();
  let totalMs = 0;
  let idleMs = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at < from || at > to) return;
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const piece = classify(id);
    if (piece === '(idle)') return void (idleMs += ms);
    totalMs += ms;
    pieces.set(piece, (pieces.get(piece) ?? 0) + ms);
  });
  return { totalMs, idleMs, pieces };
}

const label = arg('--label');
const stem = () => `profile-${today()}${label ? `-${label}` : ''}`;

async function profileRoute(
  databaseUrl: string,
  route: string,
  seconds: number,
  connections: number,
  dir: string,
  bare = false,
  env: Record<string, string> = {},
) {
  const variant = env.READ_CACHE_MAX_ENTRIES === '0' ? 'read-cache-off-' : '';
  const profDir = path.join(os.tmpdir(), `fuse-profile-${process.pid}-${bare ? 'bare' : 'fuse'}-${variant}${route.replace(/\W+/g, '_')}`);
  rmSync(profDir, { recursive: true, force: true });
  mkdirSync(profDir, { recursive: true });
  const nodeArgs = ['--cpu-prof', `--cpu-prof-dir=${profDir}`];
  // The bare app answers the same work at its own path (no query string: it only lists active clients).
  const app = bare ? await startBareNext(databaseUrl, { nodeArgs }) : await startApp(databaseUrl, env, { nodeArgs });
  const cookieFrom = bare ? await startApp(databaseUrl) : app;
  const path_ = bare ? route.replace(/\?.*$/, '') : route;
  let requests = 0;
  let from = 0;
  let to = 0;
  try {
    const cookie = await signInCookie(cookieFrom.url, scaleUserEmail(0), SCALE_PASSWORD);
    if (!bare) await recordOneChange(app.url, cookie);
    if (bare) await cookieFrom.stop();
    for (let i = 0; i < 50; i++) await fetch(`${app.url}${path_}`, { headers: { cookie } }).then((r) => r.arrayBuffer());
    from = Number(process.hrtime.bigint() / 1000n);
    const r = await autocannon({ url: `${app.url}${path_}`, connections, duration: seconds, headers: { cookie } });
    to = Number(process.hrtime.bigint() / 1000n);
    requests = r.requests.total;
    log(
      `  ${bare ? 'bare ' : ''}${route}: ${requests} requests, ${r.requests.average.toFixed(0)} req/s, p99 ${r.latency.p99} ms, non-2xx ${r.non2xx}`,
    );
  } finally {
    await app.stop();
  }
  const files = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) throw new Error(`no CPU profile written in ${profDir}`);
  // The server's process is the one with the most samples (next start may fork).
  const profiles = files.map((f) => ({ f, p: JSON.parse(readFileSync(path.join(profDir, f), 'utf8')) as CpuProfile }));
  const main = profiles.sort((a, b) => b.p.samples.length - a.p.samples.length)[0]!;
  const keep = path.join(dir, `${stem()}-${bare ? 'bare-' : variant}${route.replace(/^\//, '').replace(/\W+/g, '-')}.cpuprofile`);
  copyFileSync(path.join(profDir, main.f), keep);
  rmSync(profDir, { recursive: true, force: true });
  return {
    route: `${bare ? 'bare Next.js ' : variant ? 'FUSE (read cache off) ' : 'FUSE '}${path_}`,
    requests,
    file: path.relative(ROOT, keep),
    ...breakdown(main.p, from, to),
  };
}

async function main() {
  const scale = Number(arg('--scale') ?? 0.01);
  const seconds = Number(arg('--seconds') ?? 10);
  const connections = Number(arg('--connections') ?? 10);
  const dbName = scale === 1 ? 'fuse_scale' : `fuse_scale_${String(scale).replace(/\W/g, '_')}`;
  const { url } = await ensureScaleDatabase(dbName, scale);
  buildIfNeeded();
  const dir = path.join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const results: Awaited<ReturnType<typeof profileRoute>>[] = [];
  if (!flag('--no-bare')) buildBareNext();
  const routes = arg('--routes')?.split(',') ?? ['/api/clients?status=active', '/dashboard/clients'];
  for (const route of routes) {
    results.push(await profileRoute(url, route, seconds, connections, dir));
    // The same build with the read cache off (--read-cache-off): what the cache itself saves.
    if (flag('--read-cache-off') && route.startsWith('/api/')) {
      results.push(await profileRoute(url, route, seconds, connections, dir, false, { READ_CACHE_MAX_ENTRIES: '0' }));
    }
    // The bare app answers only the two routes it was written for.
    const bareRoute = ['/api/clients?status=active', '/dashboard/clients'].includes(route);
    if (!flag('--no-bare') && bareRoute) results.push(await profileRoute(url, route, seconds, connections, dir, true));
  }
  const names = [...new Set(results.flatMap((r) => [...r.pieces.keys()]))].sort(
    (a, b) => Math.max(...results.map((r) => r.pieces.get(b) ?? 0)) - Math.max(...results.map((r) => r.pieces.get(a) ?? 0)),
  );
  const lines = [
    `# Where a signed-in request's CPU goes — ${new Date().toISOString()}`,
    '',
    `\`npm run bench:profile -- ${process.argv.slice(2).join(' ')}\`: the production build under \`--cpu-prof\`, ${connections} connections for ${seconds} s per route, frames mapped to their sources through the build's source maps. CPU per request = the piece's CPU sampled while the load ran / requests served in that time. A frame of the framework or Node called from a FUSE piece counts as that piece.`,
    '',
    `| Piece | ${results.map((r) => `${r.route} µs/req (share)`).join(' | ')} |`,
    `|---|${results.map(() => '---:').join('|')}|`,
    ...names.map(
      (n) =>
        `| ${n} | ${results
          .map((r) => {
            const v = r.pieces.get(n) ?? 0;
            return `${((v * 1000) / Math.max(1, r.requests)).toFixed(0)} (${((v / r.totalMs) * 100).toFixed(1)} %)`;
          })
          .join(' | ')} |`,
    ),
    `| **total CPU (not idle)** | ${results.map((r) => `**${((r.totalMs * 1000) / Math.max(1, r.requests)).toFixed(0)}**`).join(' | ')} |`,
    '',
    `Requests served: ${results.map((r) => `${r.route} ${r.requests}`).join(', ')}. Flame graphs: ${results.map((r) => `\`${r.file}\``).join(', ')} (open in Chrome DevTools → Performance, or speedscope).`,
    '',
  ];
  const out = path.join(dir, `${stem()}.md`);
  writeFileSync(out, lines.join('\n'));
  process.stdout.write(lines.join('\n'));
  log(`wrote ${path.relative(ROOT, out)}`);
}

main().catch((err) => {
  process.stderr.write(`bench:profile: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
