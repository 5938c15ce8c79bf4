import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const SCRIPT = path.resolve(__dirname, '../../scripts/bundle-budget.mjs');
let dist: string | null = null;

afterEach(() => {
  if (dist) rmSync(dist, { recursive: true, force: true });
  dist = null;
});

/** A build output with one dashboard page whose first load is the given chunks (name → text). */
function fakeBuild(chunks: Record<string, string>): string {
  dist = mkdtempSync(path.join(os.tmpdir(), 'fuse-budget-'));
  writeFileSync(path.join(dist, 'build-manifest.json'), JSON.stringify({ rootMainFiles: [] }));
  mkdirSync(path.join(dist, 'static', 'chunks'), { recursive: true });
  for (const [name, text] of Object.entries(chunks)) writeFileSync(path.join(dist, 'static', 'chunks', name), text);
  const page = path.join(dist, 'server', 'app', 'dashboard', 'clients');
  mkdirSync(page, { recursive: true });
  const manifest = {
    '/dashboard/clients/page': { entryJSFiles: { '[project]/src/app/dashboard/clients/page': Object.keys(chunks).map((n) => `static/chunks/${n}`) } },
  };
  writeFileSync(path.join(page, 'page_client-reference-manifest.js'), `globalThis.__RSC_MANIFEST = ${JSON.stringify(manifest)};`);
  return dist;
}

function budget(dir: string) {
  const run = spawnSync(process.execPath, [SCRIPT, '--dist', dir, '--json'], { encoding: 'utf8' });
  return {
    status: run.status,
    report: JSON.parse(run.stdout) as { rows: { page: string; kb: number; serverOnly: string[] }[]; serverOnly: string[] },
  };
}

describe('npm run budget: server-only code in the first load', () => {
  it('passes a page whose chunks hold browser code only', () => {
    const { status, report } = budget(fakeBuild({ 'a.js': 'console.log("a client view")' }));
    expect(status).toBe(0);
    expect(report.rows).toEqual([expect.objectContaining({ page: '/dashboard/clients', serverOnly: [] })]);
  });

  it('fails a page whose chunks carry Drizzle’s table builders, and names it', () => {
    const { status, report } = budget(fakeBuild({ 'a.js': 'x', 'b.js': 'class r extends n{static [t.h]="PgTable"}' }));
    expect(status).toBe(1);
    expect(report.serverOnly).toEqual(['/dashboard/clients']);
    expect(report.rows[0]!.serverOnly).toEqual(['drizzle-orm (database schema)']);
  });
});
