import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { seedDemo } from '../../src/cli/demo-data';
import { migrateDatabase } from '../../src/fuse/db/migrate';
import { freePort, processAlive } from '../../src/fuse/tooling/build';

/**
 * A PostgreSQL server of the test's own (initdb into a temporary directory, its own port), for
 * faults no shared server may suffer: stopped (SIGSTOP), killed, restarted. Never the shared one.
 * PostgreSQL refuses to run as root: as root, the server runs as the `postgres` user.
 */
export type PrivatePostgres = {
  url: string;
  port: number;
  /** SIGSTOP / SIGCONT to every process of the server (a stalled disk, a partition look the same). */
  freeze: () => void;
  thaw: () => void;
  /** kill -9 of every process of the server (no shutdown), then nothing listens on the port. */
  kill: () => void;
  start: () => void;
  /** A clean restart (fast shutdown: connections are closed), as an operator's restart. */
  restart: () => void;
  stop: () => void;
};

const BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** Whether initdb is installed. Under CI=true it must be: a test that needs it runs, and fails, rather than skipping. */
export function privatePostgresAvailable(): boolean {
  return Boolean(process.env.CI) || spawnSync(path.join(BIN, 'initdb'), ['--version']).status === 0;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fuse-pg-'));
  const data = path.join(dir, 'data');
  if (root) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const run = (bin: string, args: string[]) => {
    const [cmd, argv] = root ? ['runuser', ['-u', 'postgres', '--', path.join(BIN, bin), ...args]] : [path.join(BIN, bin), args];
    const r = spawnSync(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
    if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed: ${r.stderr?.toString()}${r.stdout?.toString()}`);
  };
  const port = await freePort();
  run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
  const start = () => run('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', '-t', '30', 'start']);
  const pids = (): number[] => {
    let main: number;
    try {
      main = Number(readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    } catch {
      return [];
    }
    const children = spawnSync('pgrep', ['-P', String(main)])
      .stdout.toString()
      .split('\n')
      .filter(Boolean)
      .map(Number);
    return [main, ...children];
  };
  const signal = (sig: NodeJS.Signals) => {
    for (const pid of pids()) {
      try {
        process.kill(pid, sig);
      } catch {
        /* already gone */
      }
    }
  };
  start();
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    signal('SIGCONT');
    spawnSync(
      root ? 'runuser' : path.join(BIN, 'pg_ctl'),
      root
        ? ['-u', 'postgres', '--', path.join(BIN, 'pg_ctl'), '-D', data, '-m', 'immediate', '-w', 'stop']
        : ['-D', data, '-m', 'immediate', '-w', 'stop'],
      {
        stdio: 'ignore',
        timeout: 30_000,
      },
    );
    signal('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  // A test runner that gives up on a hook still exits: the server and its directory go with it.
  process.once('exit', stop);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    freeze: () => signal('SIGSTOP'),
    thaw: () => signal('SIGCONT'),
    kill: () => {
      const before = pids();
      signal('SIGKILL');
      rmSync(path.join(data, 'postmaster.pid'), { force: true });
      // Wait until the processes are gone, so a start binds the port again.
      for (let i = 0; i < 100 && before.some((pid) => processAlive(pid)); i++) spawnSync('sleep', ['0.05']);
    },
    start,
    restart: () => run('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'log'), '-m', 'fast', '-w', '-t', '30', 'restart']),
    stop,
  };
}

/** A private PostgreSQL, migrated, with the demo business. */
export async function seededPrivatePostgres(): Promise<PrivatePostgres> {
  const server = await startPrivatePostgres();
  try {
    await migrateDatabase(server.url);
    const pool = new pg.Pool({ connectionString: server.url, max: 2 });
    await seedDemo(drizzle({ client: pool }));
    await pool.end();
    return server;
  } catch (err) {
    server.stop();
    throw err;
  }
}
