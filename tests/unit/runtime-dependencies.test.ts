import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SUPPORTED_NODE, supportedNode } from '../../scripts/node-version.mjs';

/**
 * A `NODE_ENV=production npm ci --omit=dev` install must be able to run `npm start` and every `fuse`
 * command: each package that scripts/start.mjs and the CLI import at run time (following the imports
 * through src/) is a dependency, not a devDependency. The embedded database's server and
 * `--import tsx` are part of that run time too.
 */
const ROOT = path.resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  engines: { node: string };
};
const ENTRIES = ['scripts/start.mjs', 'src/cli/fuse.ts', 'src/fuse/db/embedded-server.ts'];
const BUILTINS = new Set(builtinModules);

/** Import specifiers of a file that are evaluated at run time (type-only imports are erased). */
function runtimeImports(source: string): string[] {
  const found: string[] = [];
  const statics = /^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
  const dynamics = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const re of [statics, dynamics]) for (const m of source.matchAll(re)) found.push(m[1]!);
  return found;
}

function resolveLocal(from: string, specifier: string): string | null {
  const base = specifier.startsWith('@/') ? path.join(ROOT, 'src', specifier.slice(2)) : path.resolve(path.dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, `${base}.mjs`, `${base}.js`, path.join(base, 'index.ts')]) {
    if (existsSync(candidate) && !candidate.endsWith('/') && /\.(ts|tsx|mjs|js)$/.test(candidate)) return candidate;
  }
  return null;
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** Every package reached from the entries, with the first file that imports it. */
function packagesUsed(): Map<string, string> {
  const packages = new Map<string, string>();
  const seen = new Set<string>();
  const queue = ENTRIES.map((e) => path.join(ROOT, e));
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of runtimeImports(readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('node:') || BUILTINS.has(specifier)) continue;
      if (specifier.startsWith('.') || specifier.startsWith('@/')) {
        const local = resolveLocal(file, specifier);
        if (!local) throw new Error(`${path.relative(ROOT, file)}: cannot resolve ${specifier}`);
        queue.push(local);
      } else if (!packages.has(packageName(specifier))) packages.set(packageName(specifier), path.relative(ROOT, file));
    }
  }
  return packages;
}

describe('what `npm start` needs at run time is installed without devDependencies', () => {
  it('every package the CLI imports, tsx, and next are dependencies', () => {
    const used = packagesUsed();
    // Spawned rather than imported: `node --import tsx` (start.mjs, the embedded database) and `next start`.
    used.set('tsx', 'scripts/start.mjs (--import tsx)');
    used.set('next', 'src/cli/fuse.ts (next start)');
    expect(used.size).toBeGreaterThan(8);
    const missing = [...used].filter(([name]) => !pkg.dependencies[name]).map(([name, from]) => `${name} (imported by ${from})`);
    expect(missing).toEqual([]);
  });

  it('the import walk sees what it should (a guard for the walk itself)', () => {
    const used = packagesUsed();
    for (const name of ['@next/env', 'pg', 'drizzle-orm', '@electric-sql/pglite']) expect(used.has(name), name).toBe(true);
  });
});

describe('supported Node.js versions', () => {
  it('package.json engines is the range scripts/start.mjs checks (Sentry’s: 20.19+, 22.12+, 24+)', () => {
    expect(pkg.engines.node).toBe(SUPPORTED_NODE);
    for (const v of ['20.19.0', '20.20.2', '22.12.0', '22.20.1', '24.0.0', '25.1.0', 'v24.3.0']) expect(supportedNode(v), v).toBe(true);
    for (const v of ['18.20.0', '20.9.0', '20.18.3', '21.7.0', '22.11.0', '23.5.0', 'x', '']) expect(supportedNode(v), v).toBe(false);
    expect(supportedNode(process.versions.node)).toBe(true);
  });
});
