/**
 * What the launcher, the test harness and the benchmarks share to run a production server from the
 * command line: "build unless the build is newer than every input" and "a free loopback port".
 * Node-only tooling, never imported by the app itself.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

/** What a production build is made from: a change to any of them makes the build stale. */
const INPUT_DIRS = ['src', 'drizzle', 'public'];
const INPUT_FILES = ['next.config.ts', 'package.json'];

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** True when `<root>/<distDir>/BUILD_ID` is missing or older than a source, a migration or the config. */
export function isBuildStale(root: string, distDir: string): boolean {
  const buildId = path.join(root, distDir, 'BUILD_ID');
  if (!existsSync(buildId)) return true;
  const inputs = [
    ...INPUT_DIRS.map((d) => path.join(root, d))
      .filter(existsSync)
      .map(newestMtime),
    ...INPUT_FILES.map((f) => path.join(root, f))
      .filter(existsSync)
      .map((f) => statSync(f).mtimeMs),
  ];
  return statSync(buildId).mtimeMs <= Math.max(0, ...inputs);
}

export type BuildOptions = {
  /** Build directory relative to root; FUSE_DIST_DIR, else `.next` (what next.config.ts reads). */
  distDir?: string;
  /** Told once when a build starts, with the reason. */
  onBuild?: (message: string) => void;
  /** Where the build's own output goes: the terminal (default) or nowhere but errors. */
  quiet?: boolean;
};

/** Runs `next build` into `distDir` when the build there is stale. Returns whether it built. */
export function buildIfStale(root: string, options: BuildOptions = {}): boolean {
  const distDir = options.distDir ?? (process.env.FUSE_DIST_DIR || '.next');
  if (!isBuildStale(root, distDir)) return false;
  options.onBuild?.(`next build → ${distDir} (first run, or sources changed)`);
  const result = spawnSync(process.execPath, [path.join(root, 'node_modules/next/dist/bin/next'), 'build'], {
    cwd: root,
    stdio: ['ignore', options.quiet ? 'ignore' : 'inherit', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production', FUSE_DIST_DIR: distDir },
  });
  if (result.status !== 0) throw new Error(`next build into ${distDir} failed (exit ${result.status})`);
  return true;
}

/** A TCP port that was free on 127.0.0.1 a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Whether a process with this pid is running (signal 0 checks without sending anything). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
