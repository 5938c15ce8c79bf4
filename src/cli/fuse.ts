/**
 * The `fuse` command: migrate, seed, start, dev, backup, restore, create-admiral, finance-rebuild,
 * new-domain (src/cli/args.ts lists them; `fuse --help`). Without DATABASE_URL it runs the embedded database
 * (PGlite under `.fuse/`) in a child process and points the app at it.
 */
// First: the .env files, before any other module reads process.env.
import './load-env';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { startEmbeddedDatabase } from '@/fuse/db/embedded';
import { buildIfStale, processAlive } from '@/fuse/tooling/build';
import { migrateDatabase } from '@/fuse/db/migrate';
import { makePrivate, writePrivateFile } from '@/fuse/tooling/private-files';
import { parseCommandLine, UsageError } from './args';
import { DEMO, demoAccountsPresent, seedDemo } from './demo-data';
import { demoDecision, listenHost, type DemoRequest } from './demo-policy';
import { databaseProblem, portAvailability, portDeniedMessage, portInUseMessage } from './problems';

const DATA_DIR = path.resolve(process.env.FUSE_DATA_DIR ?? '.fuse');
const EMBEDDED_DIR = path.join(DATA_DIR, 'pglite');
const EMBEDDED_INFO = path.join(DATA_DIR, 'embedded.json');

function say(message: string) {
  process.stdout.write(`fuse: ${message}\n`);
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** An embedded database that keeps stopping is given up on rather than started again forever. */
const MAX_EMBEDDED_RESTARTS_PER_MINUTE = 3;
/** Set when the embedded database stopped and could not be started again: FUSE exits with code 1. */
let embeddedDatabaseLost = false;

/** The configured database the command works on (for messages about it); null: the embedded one. */
let configuredDatabase: { url: string; variable: string } | null = null;

/**
 * The database URL to use, starting the embedded database when DATABASE_URL is not set. The command
 * line's work (migrations with their session lock, backups, restores) takes DATABASE_DIRECT_URL when
 * the app's DATABASE_URL goes through a connection pooler.
 */
async function database(): Promise<{ url: string; embedded: boolean; stop: () => Promise<void> }> {
  if (process.env.DATABASE_URL) {
    const variable = process.env.DATABASE_DIRECT_URL ? 'DATABASE_DIRECT_URL' : 'DATABASE_URL';
    configuredDatabase = { url: process.env[variable]!, variable };
    return { url: configuredDatabase.url, embedded: false, stop: async () => {} };
  }
  if (existsSync(EMBEDDED_INFO)) {
    // Another fuse process already serves the embedded database: share it rather than open the files twice.
    const info = JSON.parse(readFileSync(EMBEDDED_INFO, 'utf8')) as { pid: number; port: number; url: string };
    if (processAlive(info.pid) && (await portOpen(info.port))) return { url: info.url, embedded: true, stop: async () => {} };
    unlinkSync(EMBEDDED_INFO);
  }
  say(`starting the embedded database in ${path.relative(process.cwd(), EMBEDDED_DIR) || EMBEDDED_DIR}`);
  makePrivate(DATA_DIR);
  let db = await startEmbeddedDatabase(EMBEDDED_DIR);
  // The URL holds the database's password: this file is for this user only, like the directory.
  const record = () => writePrivateFile(EMBEDDED_INFO, JSON.stringify({ pid: db.child.pid, port: db.port, url: db.url }));
  record();
  let stopping = false;
  const restarts: number[] = [];
  const giveUp = (reason: string) => {
    // Without its database the app can only answer 503: stop, so that whatever runs FUSE sees it.
    say(`${reason}: stopping FUSE`);
    embeddedDatabaseLost = true;
    process.kill(process.pid, 'SIGTERM');
  };
  // A crashed or killed embedded database (a signal it could not handle, or an error exit) is started
  // again on the same files, port and password, so the app's connections find it at the same URL:
  // what it acknowledged is on disk (docs/operations/faults.md). Exit code 0 is a stop it was asked for.
  const watch = () =>
    db.child.once('exit', (code, signal) => {
      if (stopping || code === 0) return;
      const now = Date.now();
      restarts.push(now);
      while (restarts[0]! < now - 60_000) restarts.shift();
      if (restarts.length > MAX_EMBEDDED_RESTARTS_PER_MINUTE) return giveUp(`the embedded database stopped ${restarts.length} times within a minute`);
      say(`the embedded database stopped (${signal ?? `exit code ${code}`}); starting it again`);
      db.restart().then(
        async (started) => {
          db = started;
          if (stopping) return void (await db.stop());
          record();
          watch();
          say('the embedded database is running again');
        },
        (err: unknown) => giveUp(`the embedded database did not start again (${err instanceof Error ? err.message : String(err)})`),
      );
    });
  watch();
  return {
    url: db.url,
    embedded: true,
    stop: async () => {
      stopping = true;
      if (existsSync(EMBEDDED_INFO)) unlinkSync(EMBEDDED_INFO);
      await db.stop();
    },
  };
}

async function withDb<T>(url: string, run: (db: ReturnType<typeof drizzle>) => Promise<T>): Promise<T> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    return await run(drizzle({ client: pool }));
  } finally {
    await pool.end();
  }
}

async function migrateAndSeed(url: string, seed: boolean) {
  say('applying migrations');
  await migrateDatabase(url);
  if (seed) {
    const loaded = await withDb(url, seedDemo);
    say(loaded ? `loaded the demo business "${DEMO.business}" with ${DEMO.clientCount} clients` : 'demo data already loaded');
  } else if (process.env.NODE_ENV === 'production' && (await withDb(url, demoAccountsPresent))) {
    say(
      `WARNING: this database holds the demo accounts (${DEMO.admiral.email} is a platform admiral) with the published password ${DEMO.password}: remove them before anyone else can reach this server.`,
    );
  }
}

function localSecret(): string {
  const file = path.join(DATA_DIR, 'session-secret');
  if (!existsSync(file)) writePrivateFile(file, randomBytes(48).toString('base64url') + '\n');
  return readFileSync(file, 'utf8').trim();
}

/** Whether this command loads the demo business (src/cli/demo-policy.ts); throws when it must refuse. */
function demoWanted(command: DemoRequest['command'], demoFlag: boolean): boolean {
  const decision = demoDecision({
    command,
    demoFlag,
    embedded: !process.env.DATABASE_URL,
    nodeEnv: process.env.NODE_ENV,
    seedDemoEnv: process.env.FUSE_SEED_DEMO,
  });
  if (decision.seed) return true;
  if (decision.refusal) throw new Error(decision.refusal);
  if (decision.note) say(decision.note);
  return false;
}

/**
 * Builds when the sources are newer than the build. FUSE_SKIP_BUILD=1 (the container image, systemd)
 * serves the build that is there: a server never builds itself at start, and may not have the tools to.
 */
function prepareBuild() {
  const distDir = process.env.FUSE_DIST_DIR || '.next';
  if (process.env.FUSE_SKIP_BUILD === '1' || process.env.FUSE_SKIP_BUILD === 'true') {
    if (!existsSync(path.join(distDir, 'BUILD_ID'))) {
      throw new Error(`FUSE_SKIP_BUILD is set but there is no build in ${distDir}/: run \`npm run build\` first, or unset FUSE_SKIP_BUILD.`);
    }
    return;
  }
  buildIfStale(process.cwd(), { onBuild: () => say('building the production bundle (first start, or sources changed)') });
}

function printSignIn(port: number, host: string | undefined, demo: boolean) {
  const url = `http://${!host || host === '127.0.0.1' ? 'localhost' : host}:${port}`;
  say('');
  say(`FUSE is running on ${url}${host === '127.0.0.1' ? ' (this machine only; set HOSTNAME to listen elsewhere)' : ''}`);
  say(`  sign in at ${url}/sign-in`);
  if (demo) {
    say(`  demo accounts (a published password: for trying FUSE, never for real data):`);
    say(`  captain: ${DEMO.captain.email} / ${DEMO.password}`);
    say(`  crew:    ${DEMO.crew.email} / ${DEMO.password}`);
    say(`  commodore: ${DEMO.commodore.email} / ${DEMO.password} (two businesses)`);
    say(`  admiral: ${DEMO.admiral.email} / ${DEMO.password}`);
  }
  say('');
}

/** PORT, checked: a whole number from 1 to 65535 (default 3000). */
function listenPort(): number {
  const raw = process.env.PORT || '3000';
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65535) throw new Error(`PORT must be a port number from 1 to 65535, got "${raw}".`);
  return port;
}

async function serve(mode: 'start' | 'dev', demoFlag: boolean) {
  const port = listenPort();
  // Decided before the build, so a refusal comes at once.
  const demo = demoWanted(mode, demoFlag);
  const host = listenHost({ hostnameEnv: process.env.HOSTNAME, embedded: !process.env.DATABASE_URL, demo });
  // A busy port is said before minutes of building, not by Next after them.
  const availability = await portAvailability(port, host);
  if (availability === 'in-use') throw new Error(portInUseMessage(port, host, mode));
  if (availability === 'denied') throw new Error(portDeniedMessage(port, mode));
  if (mode === 'start') prepareBuild();
  const db = await database();
  await migrateAndSeed(db.url, demo);
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port) };
  // FUSE's graceful shutdown (src/fuse/shutdown.ts) handles SIGTERM instead of Next's handler.
  if (mode === 'start') env.NEXT_MANUAL_SIG_HANDLE ??= 'true';
  if (db.embedded) {
    env.FUSE_EMBEDDED_DATABASE_URL = db.url;
    if (mode === 'start') {
      // The one-machine demo: a production build on the embedded database, with a secret kept in .fuse/.
      env.FUSE_ALLOW_EMBEDDED ??= '1';
      env.SESSION_SECRET ??= localSecret();
    }
  }
  const next = spawn(process.execPath, [path.resolve('node_modules/next/dist/bin/next'), mode, '-p', String(port), ...(host ? ['-H', host] : [])], {
    stdio: ['inherit', 'pipe', 'inherit'],
    env,
  });
  let announced = false;
  next.stdout!.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    if (!announced && /Ready|ready/.test(chunk.toString())) {
      announced = true;
      printSignIn(port, host, demo);
    }
  });
  const shutdown = (signal: NodeJS.Signals) => {
    next.kill(signal);
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  const code = await new Promise<number>((resolve) => next.once('exit', (c) => resolve(c ?? 0)));
  await db.stop();
  process.exit(embeddedDatabaseLost ? 1 : code);
}

async function main() {
  const parsed = parseCommandLine(process.argv.slice(2));
  if (parsed.kind === 'help') {
    process.stdout.write(parsed.text);
    return;
  }
  const { command, values: options, positional } = parsed;
  // An install made before FUSE kept its data private (0755 / 0666) is fixed on every run.
  if (existsSync(DATA_DIR)) makePrivate(DATA_DIR);
  switch (command) {
    case 'migrate': {
      const db = await database();
      await migrateAndSeed(db.url, false);
      await db.stop();
      break;
    }
    case 'seed': {
      const scaleTarget = options['scale-target'] === true;
      const demo = !scaleTarget && demoWanted('seed', options.demo === true);
      const db = await database();
      if (scaleTarget) {
        // The scale-target data set (100K users, 1M+ clients): src/cli/scale-seed.ts.
        const { seedScale, describeScaleResult } = await import('./scale-seed');
        const scale = options.scale === undefined ? 1 : Number(options.scale);
        await migrateAndSeed(db.url, false);
        const pool = new pg.Pool({ connectionString: db.url, max: 1 });
        try {
          const result = await seedScale(pool, { scale, force: options.force === true });
          for (const line of describeScaleResult(result)) say(line);
        } finally {
          await pool.end();
        }
      } else await migrateAndSeed(db.url, demo);
      await db.stop();
      break;
    }
    case 'backup':
    case 'restore': {
      // src/cli/backup.ts and restore.ts; embedded: starts the database here or shares the running one.
      const db = await database();
      try {
        if (command === 'backup') await (await import('./backup')).runBackup(db, { out: options.out as string | undefined });
        else await (await import('./restore')).runRestore(db, { file: positional! });
      } finally {
        await db.stop();
      }
      break;
    }
    case 'create-admiral': {
      // src/cli/admiral.ts: create (or promote) the platform operator for a real deployment.
      const email = options.email as string;
      const { createAdmiral, readAdmiralPassword } = await import('./admiral');
      const password = await readAdmiralPassword();
      const db = await database();
      await migrateAndSeed(db.url, false);
      try {
        const result = await withDb(db.url, (d) => createAdmiral(d, { email, name: options.name as string | undefined, password }));
        say(result.created ? `created the admiral ${email}` : `${email} is now an admiral (signed out everywhere)`);
      } finally {
        await db.stop();
      }
      break;
    }
    case 'new-domain': {
      // src/cli/new-domain.ts: files from the template, the domain registered, its migration generated.
      (await import('./new-domain')).runNewDomain(process.cwd(), positional!, say);
      break;
    }
    case 'finance-rebuild': {
      // Recompute the finance totals from the invoices (they are kept by a trigger; this repairs them).
      const db = await database();
      await migrateAndSeed(db.url, false);
      const pool = new pg.Pool({ connectionString: db.url, max: 1 });
      try {
        const started = performance.now();
        await pool.query('select finance_rebuild_totals()'); // one statement: one transaction
        say(`rebuilt the finance totals from the invoices in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      } finally {
        await pool.end();
        await db.stop();
      }
      break;
    }
    case 'start':
    case 'dev':
      await serve(command, options.demo === true);
      break;
  }
}

main().catch((err) => {
  if (err instanceof UsageError) {
    process.stderr.write(`fuse: ${err.message}\n`);
    process.exit(err.exitCode);
  }
  // A database that cannot be reached is said in plain words, naming where it was looked for.
  const problem = configuredDatabase && databaseProblem(err, configuredDatabase.url, configuredDatabase.variable);
  process.stderr.write(`fuse: ${problem ?? (err instanceof Error ? err.message : String(err))}\n`);
  process.exit(1);
});
