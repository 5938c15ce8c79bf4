import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * scripts/check-advisories.mjs (the CI audit step) run against a directory whose node_modules hold
 * the versions under test: it must fail when any watched package is below its floor.
 */
const SCRIPT = path.resolve(__dirname, '../../scripts/check-advisories.mjs');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const SAFE = { next: '16.4.6', react: '19.2.9', 'react-dom': '19.2.9', 'drizzle-orm': '0.45.4' };

function check(versions: Record<string, string>): { status: number | null; output: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fuse-advisories-'));
  dirs.push(dir);
  for (const [name, version] of Object.entries(versions)) {
    mkdirSync(path.join(dir, 'node_modules', name), { recursive: true });
    writeFileSync(path.join(dir, 'node_modules', name, 'package.json'), JSON.stringify({ name, version }));
  }
  // No lockfile there, so `npm audit` has nothing to audit and the floor decides.
  const run = spawnSync(process.execPath, [SCRIPT], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, output: run.stdout + run.stderr };
}

// Each run spawns `npm audit` (about a second).
describe('advisory floor', { timeout: 60_000 }, () => {
  it('passes the versions this repository installs', () => {
    expect(check(SAFE).status).toBe(0);
    // Newer minors compare as numbers, not as text (16.10 is after 16.4).
    expect(check({ ...SAFE, next: '16.10.0', react: '19.10.0', 'react-dom': '19.10.0' }).status).toBe(0);
  });

  it('fails on a Next.js before the fixes of the 2026 advisories', () => {
    for (const next of ['16.4.4', '16.2.11', '16.4.5-canary.3']) {
      const result = check({ ...SAFE, next });
      expect(result.status, next).toBe(1);
      expect(result.output).toContain(`FAIL next ${next}`);
    }
    expect(check({ ...SAFE, next: '16.4.5' }).status).toBe(0);
  });

  it('fails on an older React, and on a watched package that is missing', () => {
    expect(check({ ...SAFE, react: '19.2.8' }).status).toBe(1);
    const missing = check(Object.fromEntries(Object.entries(SAFE).filter(([name]) => name !== 'next')));
    expect(missing.status).toBe(1);
    expect(missing.output).toContain('FAIL next (not installed)');
  });
});
