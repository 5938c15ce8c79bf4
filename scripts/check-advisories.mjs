#!/usr/bin/env node
// Security advisories for the runtime dependencies. `npm audit` first; when the registry in use does
// not serve the audit endpoint, fall back to minimum versions of the packages whose advisories matter
// most here (next, react, react-dom, drizzle-orm), which are kept at or above their latest fixed release.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const MINIMUM = { next: '16.2.6', react: '19.2.1', 'react-dom': '19.2.1', 'drizzle-orm': '0.45.2' };

const audit = spawnSync('npm', ['audit', '--omit=dev', '--audit-level=high', '--json'], { encoding: 'utf8' });
let report;
try {
  report = JSON.parse(audit.stdout);
} catch {
  report = null;
}
if (report && report.metadata) {
  const v = report.metadata.vulnerabilities ?? {};
  console.log(`npm audit: ${JSON.stringify(v)}`);
  const watched = Object.keys(report.vulnerabilities ?? {}).filter((name) => name in MINIMUM);
  if (watched.length > 0) {
    console.error(`advisories on ${watched.join(', ')}: upgrade them`);
    process.exit(1);
  }
  if ((v.high ?? 0) + (v.critical ?? 0) > 0) console.warn('npm audit reports high/critical advisories in other runtime packages: review them');
} else {
  console.warn('npm audit is not available from this registry; checking minimum safe versions instead');
}

const cmp = (a, b) => {
  const pa = a.split(/[.-]/).map(Number);
  const pb = b.split(/[.-]/).map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
};
let bad = 0;
for (const [name, min] of Object.entries(MINIMUM)) {
  const version = JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')).version;
  const ok = cmp(version, min) >= 0;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name} ${version} (minimum ${min})`);
  if (!ok) bad++;
}
process.exit(bad ? 1 : 0);
