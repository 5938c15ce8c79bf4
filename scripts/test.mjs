#!/usr/bin/env node
// `npm test`: the whole suite (unit, database, browser) through Vitest, then one summary line,
// "N passed, N failed", read from Vitest's JSON report.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const report = 'test-results/vitest.json';
mkdirSync('test-results', { recursive: true });
rmSync(report, { force: true });
const result = spawnSync(
  process.execPath,
  ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
let passed = 0;
let failed = 0;
if (existsSync(report)) {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed = json.numPassedTests ?? 0;
  failed = json.numFailedTests ?? 0;
  // A file that failed to load has no tests; count it as a failure so it cannot pass silently.
  for (const file of json.testResults ?? []) if (file.status === 'failed' && (file.assertionResults ?? []).length === 0) failed += 1;
} else {
  failed = 1;
}
if (result.status !== 0 && failed === 0) {
  // Every test passed, yet Vitest failed the run: an error outside the tests (an unhandled error or
  // rejection, a global setup or teardown). Vitest printed it above under "Unhandled Errors".
  console.log(`vitest exited with status ${result.status} with no failed test: an error outside the tests (see "Unhandled Errors" above)`);
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(result.status ?? 1);
