#!/usr/bin/env node
// Security advisories for the runtime dependencies. `npm audit` first; when the registry in use does
// not serve the audit endpoint, fall back to minimum versions of the packages whose advisories matter
// most here (next, react, react-dom, drizzle-orm), which are kept at or above their latest fixed release.
// Either way the installed versions (node_modules in the current directory) must be at or above the floor.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

// The first release that fixed the newest advisory known for each package (November 2026):
// - next 16.4.5: the 2026 Next.js security releases, the latest the November one (GHSA-7qx7-33qx-rqx2,
//   SVG rejection bypass in the image optimizer, and six moderate advisories fixed with it); it also
//   carries 16.4.1's fixes (GHSA-2464-fhr4-w9xw, GHSA-673q-mjm6-r5xr, GHSA-p3m5-59mp-jv5r), 16.3.3's,
//   16.2.11's (GHSA-6gpp-xcg3-4w24, CVE-2026-64642/64644/64647/64648) and 16.2.6's (May 2026).
// - react, react-dom 19.2.9: the React Server Components release for GHSA-xqc2-xf4c-x3h3 (CVE-2026-126187).
const MINIMUM = { next: '16.4.5', react: '19.2.9', 'react-dom': '19.2.9', 'drizzle-orm': '0.45.2' };

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

/** Semver order of `a` and `b` (negative: a is older). A pre-release comes before its release; anything unparsable is older than everything. */
const cmp = (a, b) => {
  const parse = (v) => {
    const m = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+.*)?$/.exec(v);
    return m ? { core: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4] ?? null } : null;
  };
  const pa = parse(a);
  const pb = parse(b);
  if (!pa || !pb) return pa ? 1 : pb ? -1 : 0;
  for (let i = 0; i < 3; i++) if (pa.core[i] !== pb.core[i]) return pa.core[i] - pb.core[i];
  if (pa.pre === pb.pre) return 0;
  if (pa.pre === null) return 1;
  if (pb.pre === null) return -1;
  return pa.pre < pb.pre ? -1 : 1;
};
let bad = 0;
for (const [name, min] of Object.entries(MINIMUM)) {
  let version = '(not installed)';
  try {
    version = JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')).version;
  } catch {
    /* reported as below the floor */
  }
  const ok = cmp(version, min) >= 0;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name} ${version} (minimum ${min})`);
  if (!ok) bad++;
}
process.exit(bad ? 1 : 0);
