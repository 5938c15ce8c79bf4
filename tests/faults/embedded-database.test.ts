import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../src/fuse/db/embedded';
import { freePort, TEST_DIST_DIR } from '../setup/app-server';
import { baseEnv, signInCookie } from '../e2e/hardening-support';
import { figures, sleep, startWrites, writtenRows } from './load';

/**
 * `kill -9` of the embedded database (PGlite, in its own process under `fuse start`) while writes
 * go on: FUSE starts it again on the same files, and every write that was acknowledged is there,
 * whole. docs/operations/faults.md states the promise.
 */
const ROOT = path.resolve(__dirname, '../..');
const GRACE_SECONDS = 10;

type Fuse = { url: string; child: ChildProcess; output: () => string };

/** `npm start` without DATABASE_URL, on a data directory of the test's own; resolves once it answers. */
async function startFuse(dataDir: string): Promise<Fuse> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...baseEnv({
      PORT: String(port),
      FUSE_DATA_DIR: dataDir,
      FUSE_SKIP_BUILD: '1',
      FUSE_DIST_DIR: TEST_DIST_DIR,
      SHUTDOWN_GRACE_SECONDS: String(GRACE_SECONDS),
      LOG_LEVEL: 'warn',
    }),
  };
  // As a user runs it: no DATABASE_URL (the embedded database), no NODE_ENV (Next sets production).
  for (const name of ['DATABASE_URL', 'DATABASE_DIRECT_URL', 'NODE_ENV', 'HOSTNAME']) delete env[name];
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/fuse.ts', 'start'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env });
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 150_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`fuse start exited (${child.exitCode}):\n${output}`);
    try {
      if ((await fetch(`${url}/sign-in`, { redirect: 'manual' })).status < 500) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`fuse start did not answer within 150 s:\n${output}`);
    await sleep(250);
  }
  return { url, child, output: () => output };
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'fuse-embedded-fault-'));
let fuse: Fuse | undefined;
let check: EmbeddedDatabase | undefined;
afterAll(async () => {
  if (fuse && fuse.child.exitCode === null && fuse.child.signalCode === null) fuse.child.kill('SIGKILL');
  await check?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

it(
  'kill -9 of the embedded database during writes: it is started again, every acknowledged write is there and whole',
  { timeout: 240_000 },
  async () => {
    const startedAt = performance.now();
    fuse = await startFuse(dataDir);
    const startMs = Math.round(performance.now() - startedAt);
    const { url } = fuse;
    const cookie = await signInCookie(url);
    const run = randomUUID().slice(0, 8);
    const writes = startWrites(url, cookie, run);
    await writes.acknowledged(20);
    const { pid } = JSON.parse(readFileSync(path.join(dataDir, 'embedded.json'), 'utf8')) as { pid: number };
    const killedAt = performance.now();
    process.kill(pid, 'SIGKILL');
    const until = killedAt + 60_000;
    const createdAfter = () => writes.outcomes.some((o) => o.startedAt >= killedAt && o.status === 201);
    while (performance.now() < until && !createdAfter()) await sleep(100);
    await sleep(1_000);
    await writes.stop();
    const statuses = [...new Set(writes.outcomes.map((o) => o.status))].sort();
    // Writes the kill caught between their request and their answer.
    const inFlight = writes.outcomes.filter((o) => o.startedAt < killedAt && o.startedAt + o.ms > killedAt).length;

    // Then FUSE is stopped and the database opened again from its files alone.
    const exited = new Promise<number | null>((resolve) => fuse!.child.once('exit', (code) => resolve(code)));
    fuse.child.kill('SIGTERM');
    const code = await Promise.race([exited, sleep((GRACE_SECONDS + 10) * 1000).then(() => 'running' as const)]);
    check = await startEmbeddedDatabase(path.join(dataDir, 'pglite'));
    const sql = new pg.Client({ connectionString: check.url });
    await sql.connect();
    try {
      const rows = await writtenRows(sql, run, writes.created);
      const f = figures(
        'embedded-db-killed-writes',
        writes.outcomes,
        killedAt,
        ` rows=${rows.clients}+${rows.invoices} half-written=${rows.halfWritten} acknowledged=${writes.created.length} present=${rows.present} in-flight=${inFlight} statuses=${statuses.join(',')} start=${startMs}ms`,
      );
      expect(fuse.output()).toContain('the embedded database is running again');
      expect(writes.created.length).toBeGreaterThan(0);
      expect(inFlight).toBeGreaterThan(0);
      expect(rows.present).toBe(writes.created.length);
      expect(rows.halfWritten, JSON.stringify(rows.orphans)).toBe(0);
      expect(f.hung).toBe(0);
      // While it is away the app answers 503, never a 500.
      expect(
        statuses.filter((s) => typeof s !== 'number' || (s >= 300 && s !== 503)),
        fuse.output(),
      ).toEqual([]);
      expect(f.recoveryMs).not.toBeNull();
      expect(f.recoveryMs!).toBeLessThan(30_000);
      expect(code, fuse.output()).toBe(0);
    } finally {
      await sql.end();
    }
  },
);
