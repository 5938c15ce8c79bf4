/**
 * The `fuse` command: migrate, seed, start, dev. Without DATABASE_URL it runs the embedded database
 * (PGlite under `.fuse/`) in a child process and points the app at it.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { startEmbeddedDatabase } from '@/fuse/db/embedded';
import { buildIfStale } from '@/fuse/tooling/build';
import { migrateDatabase } from '@/fuse/db/migrate';
import { makePrivate, writePrivateFile } from '@/fuse/tooling/private-files';
import { DEMO, demoAccountsPresent, seedDemo } from './demo-data';
import { demoDecision, listenHost, type DemoRequest } from './demo-policy';

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

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The database URL to use, starting the embedded database when DATABASE_URL is not set. */
async function database(): Promise<{ url: string; embedded: boolean; stop: () => Promise<void> }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, embedded: false, stop: async () => {} };
  if (existsSync(EMBEDDED_INFO)) {
    // Another fuse process already serves the embedded database: share it rather than open the files twice.
    const info = JSON.parse(readFileSync(EMBEDDED_INFO, 'utf8')) as { pid: number; port: number; url: string };
    if (alive(info.pid) && (await portOpen(info.port))) return { url: info.url, embedded: true, stop: async () => {} };
    unlinkSync(EMBEDDED_INFO);
  }
  say(`starting the embedded database in ${path.relative(process.cwd(), EMBEDDED_DIR) || EMBEDDED_DIR}`);
  makePrivate(DATA_DIR);
  const db = await startEmbeddedDatabase(EMBEDDED_DIR);
  // The URL holds the database's password: this file is for this user only, like the directory.
  writePrivateFile(EMBEDDED_INFO, JSON.stringify({ pid: db.child.pid, port: db.port, url: db.url }));
  return {
    url: db.url,
    embedded: true,
    stop: async () => {
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
    say(`WARNING: this database holds the demo accounts (${DEMO.admiral.email} is a platform admiral) with the published password ${DEMO.password}: remove them before anyone else can reach this server.`);
  }
}

function localSecret(): string {
  const file = path.join(DATA_DIR, 'session-secret');
  if (!existsSync(file)) writePrivateFile(file, randomBytes(48).toString('base64url') + '\n');
  return readFileSync(file, 'utf8').trim();
}

/** Whether this command loads the demo business (src/cli/demo-policy.ts); throws when it must refuse. */
function demoWanted(command: DemoRequest['command'], args: string[]): boolean {
  const decision = demoDecision({
    command,
    demoFlag: args.includes('--demo'),
    embedded: !process.env.DATABASE_URL,
    nodeEnv: process.env.NODE_ENV,
    seedDemoEnv: process.env.FUSE_SEED_DEMO,
  });
  if (decision.seed) return true;
  if (decision.refusal) throw new Error(decision.refusal);
  if (decision.note) say(decision.note);
  return false;
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

async function serve(mode: 'start' | 'dev', args: string[]) {
  const port = Number(process.env.PORT ?? 3000);
  // Decided before the build, so a refusal comes at once.
  const demo = demoWanted(mode, args);
  if (mode === 'start') buildIfStale(process.cwd(), { onBuild: () => say('building the production bundle (first start, or sources changed)') });
  const db = await database();
  await migrateAndSeed(db.url, demo);
  const host = listenHost({ hostnameEnv: process.env.HOSTNAME, embedded: db.embedded, demo });
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
  process.exit(code);
}

async function main() {
  const [command, ...args] = process.argv.slice(2);
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
      const scaleTarget = args.includes('--scale-target');
      const demo = !scaleTarget && demoWanted('seed', args);
      const db = await database();
      if (scaleTarget) {
        // The scale-target data set (100K users, 1M+ clients): src/cli/scale-seed.ts.
        const { seedScale, describeScaleResult } = await import('./scale-seed');
        const scaleArg = args.indexOf('--scale');
        const scale = scaleArg >= 0 ? Number(args[scaleArg + 1]) : 1;
        await migrateAndSeed(db.url, false);
        const pool = new pg.Pool({ connectionString: db.url, max: 1 });
        try {
          const result = await seedScale(pool, { scale, force: args.includes('--force') });
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
        if (command === 'backup') await (await import('./backup')).runBackup(db, args);
        else await (await import('./restore')).runRestore(db, args);
      } finally {
        await db.stop();
      }
      break;
    }
    case 'create-admiral': {
      // src/cli/admiral.ts: create (or promote) the platform operator for a real deployment.
      const flag = (name: string) => (args.indexOf(name) >= 0 ? args[args.indexOf(name) + 1] : undefined);
      const email = flag('--email');
      if (!email) throw new Error('usage: fuse create-admiral --email you@example.com [--name "Your Name"] (password: FUSE_ADMIRAL_PASSWORD or standard input)');
      const { createAdmiral, readAdmiralPassword } = await import('./admiral');
      const password = await readAdmiralPassword();
      const db = await database();
      await migrateAndSeed(db.url, false);
      try {
        const result = await withDb(db.url, (d) => createAdmiral(d, { email, name: flag('--name'), password }));
        say(result.created ? `created the admiral ${email}` : `${email} is now an admiral (signed out everywhere)`);
      } finally {
        await db.stop();
      }
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
      await serve(command, args);
      break;
    default:
      process.stderr.write(
        `usage: fuse <command>\n  migrate   apply database migrations\n  seed      load the demo business (embedded database; --demo for DATABASE_URL; never with NODE_ENV=production)\n            --scale-target [--scale 0.01] [--force]: the scale-target data set\n  start     build if needed and serve the production app (demo data on the embedded database; --demo for DATABASE_URL)\n  dev       serve the development app (the same)\n  backup    write a verified snapshot of every table (--out FILE; default backups/)\n  restore   verify a backup FILE, then restore it into an empty database\n  create-admiral --email E [--name N]   create or promote the platform admiral (password: FUSE_ADMIRAL_PASSWORD or stdin)\n  finance-rebuild   recompute the finance summary totals from the invoices\n${command ? `\nunknown command: ${command} ${args.join(' ')}\n` : ''}`,
      );
      process.exit(command ? 2 : 0);
  }
}

main().catch((err) => {
  process.stderr.write(`fuse: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
