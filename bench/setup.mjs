#!/usr/bin/env node
// Installs the benchmark's own tools (Artillery, autocannon, Lighthouse) into bench/node_modules on
// first use. They stay out of the app's install: Artillery alone brings hundreds of packages.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const dir = path.dirname(new URL(import.meta.url).pathname);
const needed = ['artillery', 'autocannon', 'lighthouse'].filter((p) => !existsSync(path.join(dir, 'node_modules', p)));
if (needed.length > 0) {
  console.error(`bench: installing ${needed.join(', ')} into bench/node_modules`);
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
    cwd: dir,
    stdio: 'inherit',
    env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1', PUPPETEER_SKIP_DOWNLOAD: '1' },
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
