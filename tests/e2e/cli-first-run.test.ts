import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/cli/demo-data';
import { createPostgresDatabase } from '../setup/databases';
import { freePort, startAppServer, TEST_DIST_DIR, TEST_SECRET } from '../setup/app-server';
import { looseEntries } from '../setup/file-modes';

/**
 * The `fuse` command as a user runs it (`node scripts/start.mjs …`, what `npm start` and
 * `npm run db:seed` run), against the test build: where it loads the demo accounts (published
 * password, a platform admiral), which address it listens on, and what it leaves on disk.
 */
const ROOT = path.resolve(__dirname, '../..');
const STANDALONE_WARNING = /does not work with "output: standalone"/;
const DEMO_EMAILS = [DEMO.captain.email, DEMO.crew.email, DEMO.admiral.email, DEMO.commodore.email];

type Run = { code: Promise<number | null>; output: () => string; stop: () => Promise<number | null>; pid: number };

/** The environment of a new shell: none of the test runner's settings (NODE_ENV=test, HOSTNAME, DATABASE_URL). */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^(NODE_ENV|HOSTNAME|DATABASE_URL|FUSE_.*|SESSION_SECRET.*|PORT|REDIS_URL|REDIS_PREFIX|TRUSTED_PROXIES)$/.test(key))
      Reflect.deleteProperty(env, key);
  }
  return Object.assign(env, { FUSE_DIST_DIR: TEST_DIST_DIR, NEXT_TELEMETRY_DISABLED: '1', LOG_LEVEL: 'warn', SHUTDOWN_GRACE_SECONDS: '1' }, extra);
}

function fuse(args: string[], env: NodeJS.ProcessEnv, cwd = ROOT): Run {
  let output = '';
  const child = spawn(process.execPath, ['scripts/start.mjs', ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
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
      // Served the way the build is meant to be served: no warning from `next start`.
      expect(run.output()).not.toMatch(STANDALONE_WARNING);
      expect((await signIn(port, DEMO.captain.email, DEMO.password)).status).toBe(200);

      const addresses = listeningAddresses(port);
      expect(addresses.length).toBeGreaterThan(0);
      expect(
        addresses.every((a) => a === '0100007F'),
        `listening on ${addresses.join(', ')}`,
      ).toBe(true);

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

/** Applied migrations in a database (0 when it was never migrated). */
async function migrationsApplied(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const table = await client.query(`select to_regclass('drizzle.__drizzle_migrations') as t`);
    if (!table.rows[0].t) return 0;
    return (await client.query('select count(*)::int as n from drizzle.__drizzle_migrations')).rows[0].n as number;
  } finally {
    await client.end();
  }
}

const MIGRATIONS = (JSON.parse(readFileSync(path.join(ROOT, 'drizzle/meta/_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length;

/** A project directory of its own (what a fresh clone is), sharing this checkout's files and test build. */
function projectDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fuse-project-'));
  for (const entry of [
    'node_modules',
    'src',
    'scripts',
    'drizzle',
    'package.json',
    'package-lock.json',
    'next.config.ts',
    'tsconfig.json',
    TEST_DIST_DIR,
  ]) {
    symlinkSync(path.join(ROOT, entry), path.join(dir, entry));
  }
  return dir;
}

describe('.env files: the settings a user writes to .env.local reach every command', () => {
  let database: { url: string; drop: () => Promise<void> };
  let dir: string;
  beforeAll(async () => {
    database = await createPostgresDatabase(process.env.DATABASE_URL!, 'fuse_cli_envfile');
    dir = projectDir();
    // What .env.example tells a user to do: DATABASE_URL (and, for a production server, SESSION_SECRET) in .env.local.
    writeFileSync(path.join(dir, '.env.local'), `DATABASE_URL=${database.url}\nSESSION_SECRET=${TEST_SECRET}\n`);
  });
  afterAll(async () => {
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('`fuse migrate` migrates the PostgreSQL named in .env.local, not the embedded database', async () => {
    expect(await migrationsApplied(database.url)).toBe(0);
    const run = fuse(['migrate'], cleanEnv({}), dir);
    expect(await run.code, run.output()).toBe(0);
    expect(run.output()).toMatch(/environment from \.env\.local/);
    expect(run.output()).not.toMatch(/embedded database/);
    expect(await migrationsApplied(database.url)).toBe(MIGRATIONS);
  });

  it('`npm start` serves on that database (no demo data there), without the standalone warning', async () => {
    const port = await freePort();
    const run = fuse(['start'], cleanEnv({ PORT: String(port) }), dir);
    try {
      await until(run, /FUSE is running/);
      expect(run.output()).not.toMatch(/embedded database/);
      expect(run.output()).toMatch(/DATABASE_URL is set: no demo data/);
      expect(run.output()).not.toMatch(STANDALONE_WARNING);
      const ready = await fetch(`http://127.0.0.1:${port}/api/ready`);
      expect(ready.status).toBe(200);
      // The app's own pool is connected to the database from .env.local.
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      const { rows } = await client.query(
        `select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name = 'fuse'`,
      );
      await client.end();
      expect(rows[0].n).toBeGreaterThan(0);
      expect(await demoUsers(database.url)).toBe(0);
    } finally {
      await run.stop();
    }
  });
});

describe('what goes wrong on a first run is said in plain words', () => {
  it('a busy port: said at once, before building or starting a database, with the port and how to choose another', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'fuse-busy-'));
    try {
      const run = fuse(['start'], cleanEnv({ FUSE_DATA_DIR: dataDir, PORT: String(port) }));
      expect(await run.code, run.output()).toBe(1);
      expect(run.output()).toContain(`port ${port} is already in use`);
      expect(run.output()).toContain(`PORT=${port + 1} npm start`);
      expect(run.output()).not.toMatch(/embedded database|building|EADDRINUSE/);
    } finally {
      blocker.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('an unreachable database: names host:port and what to check, never the password or a raw driver error', async () => {
    const closed = await freePort();
    const run = fuse(['migrate'], cleanEnv({ DATABASE_URL: `postgres://fuse:pw-Very-Secret-42@127.0.0.1:${closed}/fuse` }));
    expect(await run.code, run.output()).toBe(1);
    expect(run.output()).toContain(`cannot reach PostgreSQL at 127.0.0.1:${closed} (connection refused)`);
    expect(run.output()).toMatch(/Check DATABASE_URL/);
    expect(run.output()).not.toContain('pw-Very-Secret-42');
    expect(run.output()).not.toMatch(/^\s+at /m);
  });

  it('a server started another way (a container, systemd) on a database without the migrations is not ready, and its log says what to run', async () => {
    const database = await createPostgresDatabase(process.env.DATABASE_URL!, 'fuse_cli_unmigrated');
    const app = await startAppServer({ DATABASE_URL: database.url, LOG_LEVEL: 'info' });
    try {
      const before = await fetch(`${app.url}/api/ready`);
      expect(before.status).toBe(503);
      expect(await before.json()).toMatchObject({ status: 'unavailable', checks: { database: { ok: true }, schema: { ok: false } } });
      const deadline = Date.now() + 10_000;
      while (!/npm run db:migrate/.test(app.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(app.output()).toMatch(/the database schema is behind this release.*npm run db:migrate/);

      // The migrate entry, then the same server becomes ready.
      const migrate = fuse(['migrate'], cleanEnv({ DATABASE_URL: database.url, NODE_ENV: 'production' }));
      expect(await migrate.code, migrate.output()).toBe(0);
      const after = await fetch(`${app.url}/api/ready`);
      expect(after.status).toBe(200);
    } finally {
      await app.stop();
      await database.drop();
    }
  });
});

describe('create-admiral at a terminal', () => {
  let database: { url: string; drop: () => Promise<void> };
  beforeAll(async () => {
    database = await createPostgresDatabase(process.env.DATABASE_URL!, 'fuse_cli_admiral');
  });
  afterAll(() => database?.drop());

  it('reads the password twice without echoing it, and creates the admiral', async () => {
    const password = 'Typed-At-A-Terminal-7';
    // `script` gives the command a real terminal (a pty), as when a person runs it.
    let screen = '';
    const child = spawn('script', ['-qfec', 'node scripts/start.mjs create-admiral --email ops@example.com', '/dev/null'], {
      cwd: ROOT,
      env: cleanEnv({ DATABASE_URL: database.url, NODE_ENV: 'production' }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (screen += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (screen += d.toString()));
    const code = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const waitFor = async (pattern: RegExp) => {
      const deadline = Date.now() + 60_000;
      while (!pattern.test(screen)) {
        if (Date.now() > deadline) throw new Error(`no ${pattern} in:\n${screen}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await waitFor(/Password for the admiral/);
    child.stdin!.write(`${password}\r`);
    await waitFor(/The same password again/);
    child.stdin!.write(`${password}\r`);
    expect(await code, screen).toBe(0);
    expect(screen).toMatch(/created the admiral ops@example\.com/);
    expect(screen).not.toContain(password);
    expect(screen).not.toContain('Typed-At');
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query(`select is_admiral from users where email = 'ops@example.com'`);
    await client.end();
    expect(rows).toEqual([{ is_admiral: true }]);
  });
});
