#!/usr/bin/env node
// Entry point of `npm start` and the other `fuse` scripts on a fresh machine: installs dependencies
// when they are missing, then hands over to the TypeScript CLI (src/cli/fuse.ts).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { supportedNode, unsupportedNodeMessage } from './node-version.mjs';

if (!supportedNode(process.versions.node)) {
  console.error(unsupportedNodeMessage(process.versions.node));
  process.exit(1);
}
if (!existsSync('node_modules/.package-lock.json') || !existsSync('node_modules/next') || !existsSync('node_modules/tsx')) {
  console.log('fuse: installing dependencies (first run)');
  const install = spawnSync('npm', [existsSync('package-lock.json') ? 'ci' : 'install', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (install.status !== 0) process.exit(install.status ?? 1);
}
const cli = spawn(process.execPath, ['--import', 'tsx', 'src/cli/fuse.ts', ...process.argv.slice(2)], { stdio: 'inherit' });
// A process manager stops FUSE with SIGTERM to this process: pass it on so the server drains.
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => cli.kill(signal));
cli.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
