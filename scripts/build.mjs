#!/usr/bin/env node
// `npm run build`: the production build. With ANALYZE=true it also writes the bundle analyzer report
// (Next 16 builds with Turbopack, whose analyzer is `next experimental-analyze`; `-o` writes files only).
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const next = path.resolve('node_modules/next/dist/bin/next');
const run = (args) => spawnSync(process.execPath, [next, ...args], { stdio: 'inherit', env: process.env }).status ?? 1;

let status = run(['build', ...process.argv.slice(2)]);
if (status === 0 && /^(1|true)$/i.test(process.env.ANALYZE ?? '')) {
  status = run(['experimental-analyze', '-o']);
  const dist = process.env.FUSE_DIST_DIR || '.next';
  if (status === 0) console.log(`build: bundle analyzer report written under ${dist}/diagnostics/analyze`);
}
process.exit(status);
