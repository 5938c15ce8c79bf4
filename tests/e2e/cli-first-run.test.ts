import { spawn } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/cli/demo-data';
import { createPostgresDatabase } from '../setup/databases';
import { freePort, TEST_DIST_DIR, TEST_SECRET } from '../setup/app-server';

/**
 * The `fuse` command as a user runs it (`node scripts/start.mjs …`, what `npm start` and
 * `npm run db:seed` run), against the test build: where it loads the demo accounts (published
 * password, a platform admiral), which address it listens on, and what it leaves on disk.
 */
const ROOT = path.resolve(__dirname, '../..');
const DEMO_EMAILS = [DEMO.captain.email, DEMO.crew.email, DEMO.admiral.email, DEMO.commodore.email];

type Run = { code: Promise<number | null>; output: () => string; stop: () => Promise<number | null>; pid: number };

/** The environment of a new shell: none of the test runner's settings (NODE_ENV=test, HOSTNAME, DATABASE_URL). */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^(NODE_ENV|HOSTNAME|DATABASE_URL|FUSE_.*|SESSION_SECRET.*|PORT|REDIS_URL|REDIS_PREFIX|TRUSTED_PROXIES)$/.test(key)) Reflect.deleteProperty(env, key);
  }
  return Object.assign(env, { FUSE_DIST_DIR: TEST_DIST_DIR, NEXT_TELEMETRY_DISABLED: '1', LOG_LEVEL: 'warn', SHUTDOWN_GRACE_SECONDS: '1' }, extra);
}

function fuse(args: string[], env: NodeJS.ProcessEnv): Run {
  let output = '';
  const child = spawn(process.execPath, ['scripts/start.mjs', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const code = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  return {
    code,
    pid: child.pid!,
    output: () => output,
    stop: () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return code;
    },
  };
}

/** Waits until the run prints `pattern` (or fails when it exits first). */
async function until(run: Run, pattern: RegExp, timeoutMs = 240_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: number | null | undefined;
  void run.code.then((c) => (exited = c));
  while (!pattern.test(run.output())) {
    if (exited !== undefined) throw new Error(`fuse exited (${exited}) before printing ${pattern}:\n${run.output()}`);
    if (Date.now() > deadline) throw new Error(`fuse did not print ${pattern} within ${timeoutMs} ms:\n${run.output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function demoUsers(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const table = await client.query(`select to_regclass('public.users') as t`);
    if (!table.rows[0].t) return 0;
    const { rows } = await client.query('select count(*)::int as n from users where lower(email) = any($1)', [DEMO_EMAILS]);
    return rows[0].n as number;
  } finally {
    await client.end();
  }
}

function signIn(port: number, email: string, password: string) {
  return fetch(`http://127.0.0.1:${port}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
}

/** The local addresses a TCP port listens on, from the kernel's tables (Linux). */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const found: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (!local || state !== '0A') continue; // 0A: LISTEN
      const [address, p] = local.split(':');
      if (p === hexPort) found.push(address!);
    }
  }
  return found;
}

/** Every entry under `dir` whose mode is not 0700 (directories) or 0600 (files). */
function looseEntries(dir: string): string[] {
  const loose: string[] = [];
  const walk = (entry: string) => {
    const stat = lstatSync(entry);
    const mode = stat.mode & 0o777;
    if (stat.isDirectory()) {
      if (mode !== 0o700) loose.push(`${entry} ${mode.toString(8)}`);
      for (const name of readdirSync(entry)) walk(path.join(entry, name));
    } else if (stat.isFile() && mode !== 0o600) loose.push(`${entry} ${mode.toString(8)}`);
  };
  walk(dir);
  return loose;
}

describe('the demo accounts never reach a production database on DATABASE_URL', () => {
  let database: { url: string; drop: () => Promise<void> };
  beforeAll(async () => {
    const server = process.env.DATABASE_URL;
    if (!server) throw new Error('DATABASE_URL (PostgreSQL) is required for this suite');
    database = await createPostgresDatabase(server, 'fuse_cli_demo');
  });
  afterAll(() => database?.drop());

  it('`seed` and `seed --demo` with NODE_ENV=production are refused with a message, and create nothing', async () => {
    for (const args of [['seed'], ['seed', '--demo']]) {
      const run = fuse(args, cleanEnv({ NODE_ENV: 'production', DATABASE_URL: database.url }));
      expect(await run.code, run.output()).toBe(1);
      expect(run.output()).toMatch(/refusing to load the demo accounts with NODE_ENV=production/);
    }
    expect(await demoUsers(database.url)).toBe(0);
  });

  it('`start --demo` with NODE_ENV=production is refused before anything is built or changed', async () => {
    const run = fuse(['start', '--demo'], cleanEnv({ NODE_ENV: 'production', DATABASE_URL: database.url, PORT: String(await freePort()) }));
    expect(await run.code, run.output()).toBe(1);
    expect(run.output()).toMatch(/refusing to load the demo accounts/);
    expect(await demoUsers(database.url)).toBe(0);
  });

  it('`seed` without --demo is refused on DATABASE_URL outside production too', async () => {
    const run = fuse(['seed'], cleanEnv({ DATABASE_URL: database.url }));
    expect(await run.code, run.output()).toBe(1);
    expect(run.output()).toMatch(/only with an explicit --demo/);
    expect(await demoUsers(database.url)).toBe(0);
  });

  it('`start` with NODE_ENV=production migrates and serves, with no demo account and no demo sign-in printed', async () => {
    const port = await freePort();
    const run = fuse(['start'], cleanEnv({ NODE_ENV: 'production', DATABASE_URL: database.url, SESSION_SECRET: TEST_SECRET, PORT: String(port) }));
    try {
      await until(run, /FUSE is running/);
      expect(run.output()).toMatch(/no demo data with NODE_ENV=production/);
      expect(run.output()).not.toContain(DEMO.password);
      expect(await demoUsers(database.url)).toBe(0);
      expect((await signIn(port, DEMO.admiral.email, DEMO.password)).status).toBe(401);
    } finally {
      await run.stop();
    }
  });
});

describe('`npm start` on the embedded database: the demo, on this machine only, in private files', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'fuse-first-run-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('loads the demo accounts and says they are demo accounts, listens on 127.0.0.1 only, keeps .fuse 0700 with files 0600', async () => {
    // An install from before: the data directory 0755 and a session secret 0644.
    mkdirSync(dataDir, { recursive: true, mode: 0o755 });
    writeFileSync(path.join(dataDir, 'session-secret'), `${TEST_SECRET}\n`, { mode: 0o644 });
    const port = await freePort();
    const run = fuse(['start'], cleanEnv({ FUSE_DATA_DIR: dataDir, PORT: String(port) }));
    try {
      await until(run, /FUSE is running/);
      await until(run, new RegExp(DEMO.admiral.email.replace(/\./g, '\\.')));
      expect(run.output()).toMatch(/demo accounts \(a published password/);
      expect((await signIn(port, DEMO.captain.email, DEMO.password)).status).toBe(200);

      const addresses = listeningAddresses(port);
      expect(addresses.length).toBeGreaterThan(0);
      expect(addresses.every((a) => a === '0100007F'), `listening on ${addresses.join(', ')}`).toBe(true);

      expect(looseEntries(dataDir)).toEqual([]);
      const info = JSON.parse(readFileSync(path.join(dataDir, 'embedded.json'), 'utf8')) as { url: string; port: number };
      // Another local user who could read the port still needs the password.
      const wrong = new URL(info.url);
      wrong.password = 'postgres';
      const client = new pg.Client({ connectionString: wrong.toString() });
      await expect(client.connect()).rejects.toThrow(/password authentication failed/);
      await client.end().catch(() => undefined);
    } finally {
      await run.stop();
    }
    expect(looseEntries(dataDir)).toEqual([]);
  });
});
