import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase } from '../setup/databases';
import { freePort, TEST_DIST_DIR, TEST_SECRET } from '../setup/app-server';

/**
 * The container image's entry points, run from a directory laid out the way the Dockerfile's run
 * stage lays out /app: its COPY lines (read from the Dockerfile) and its ENV, with the test build as
 * the build stage's output. No Docker daemon runs here, so what is NOT exercised: the image build
 * itself, `npm ci --omit=dev` inside it (node_modules is this checkout's, or a production-only install
 * named by FUSE_IMAGE_NODE_MODULES; tests/unit/runtime-dependencies.test.ts checks that the CLI needs
 * no devDependency), the non-root user and the HEALTHCHECK. Then: `node scripts/start.mjs migrate`
 * (compose's migrate service) and the CMD, against a throwaway PostgreSQL database.
 */
const ROOT = path.resolve(__dirname, '../..');
if (!process.env.DATABASE_URL && process.env.CI) throw new Error('CI=true but DATABASE_URL is not set: the container entry test must run in CI.');

type Stage = { copies: { from: string | null; sources: string[]; destination: string }[]; env: Record<string, string>; cmd: string[] };

/** The last stage of the Dockerfile: what it copies, its environment, its CMD. */
function runStage(): Stage {
  const lines = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8')
    .replace(/\\\n\s*/g, ' ')
    .split('\n');
  let stage: Stage = { copies: [], env: {}, cmd: [] };
  for (const line of lines.map((l) => l.trim())) {
    if (line.startsWith('FROM ')) stage = { copies: [], env: {}, cmd: [] };
    else if (line.startsWith('COPY ')) {
      const words = line.slice(5).split(/\s+/);
      const from = words.find((w) => w.startsWith('--from='))?.slice(7) ?? null;
      const paths = words.filter((w) => !w.startsWith('--'));
      stage.copies.push({ from, sources: paths.slice(0, -1), destination: paths.at(-1)! });
    } else if (line.startsWith('ENV ')) {
      for (const m of line.slice(4).matchAll(/(\w+)=(\S*)/g)) stage.env[m[1]!] = m[2]!;
    } else if (line.startsWith('CMD ')) stage.cmd = JSON.parse(line.slice(4)) as string[];
  }
  return stage;
}

/** Lays out the image's /app in `dir`. The build stage's /app/.next is the test build. */
function layOut(dir: string, stage: Stage) {
  for (const copy of stage.copies) {
    for (const source of copy.sources) {
      const into =
        copy.destination.endsWith('/') || copy.sources.length > 1
          ? path.join(dir, copy.destination, path.basename(source))
          : path.join(dir, copy.destination);
      if (copy.from === 'build') {
        expect(source).toBe('/app/.next');
        cpSync(path.join(ROOT, TEST_DIST_DIR), path.join(dir, TEST_DIST_DIR), {
          recursive: true,
          verbatimSymlinks: true,
          filter: (f) => !f.includes(`${path.sep}cache`),
        });
      } else {
        expect(copy.from).toBeNull();
        cpSync(path.join(ROOT, source), into, { recursive: true });
      }
    }
  }
  symlinkSync(process.env.FUSE_IMAGE_NODE_MODULES || path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
}

function run(dir: string, args: string[], env: NodeJS.ProcessEnv) {
  let output = '';
  const child = spawn(args[0]!, args.slice(1), { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const code = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, output: () => output, stop: () => (child.exitCode === null && child.kill('SIGTERM'), code) };
}

describe.skipIf(!process.env.DATABASE_URL)('the container image’s entry points', () => {
  const stage = runStage();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fuse-image-'));
  let database: { url: string; drop: () => Promise<void> };
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    layOut(dir, stage);
    database = await createPostgresDatabase(process.env.DATABASE_URL!, 'fuse_image');
    // The image's ENV, the settings `docker run -e` gives, and nothing of this shell's FUSE settings.
    const shell = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !/^(NODE_ENV|HOSTNAME|DATABASE_.*|FUSE_.*|SESSION_SECRET.*|PORT|REDIS_.*)$/.test(k)),
    );
    env = {
      ...shell,
      ...stage.env,
      FUSE_DIST_DIR: TEST_DIST_DIR,
      DATABASE_URL: database.url,
      SESSION_SECRET: TEST_SECRET,
      LOG_LEVEL: 'warn',
      SHUTDOWN_GRACE_SECONDS: '1',
    } as unknown as NodeJS.ProcessEnv;
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the image copies what the `fuse` command needs, and its CMD is that command', () => {
    expect(stage.cmd).toEqual(['node', 'scripts/start.mjs', 'start']);
    expect(stage.env).toMatchObject({ NODE_ENV: 'production', FUSE_SKIP_BUILD: '1' });
  });

  it('`node scripts/start.mjs migrate` migrates DATABASE_URL', async () => {
    const migrate = run(dir, ['node', 'scripts/start.mjs', 'migrate'], env);
    expect(await migrate.code, migrate.output()).toBe(0);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query('select count(*)::int as n from drizzle.__drizzle_migrations');
    await client.end();
    const journal = JSON.parse(readFileSync(path.join(ROOT, 'drizzle/meta/_journal.json'), 'utf8')) as { entries: unknown[] };
    expect(rows[0].n).toBe(journal.entries.length);
  });

  it('the CMD serves the copied build without rebuilding it: /api/health and /api/ready answer 200', async () => {
    const port = await freePort();
    // HOSTNAME=0.0.0.0 in the image; loopback here.
    const server = run(dir, stage.cmd, { ...env, PORT: String(port), HOSTNAME: '127.0.0.1' });
    try {
      const deadline = Date.now() + 120_000;
      let exited: number | null | undefined;
      void server.code.then((c) => (exited = c));
      while (!/FUSE is running/.test(server.output())) {
        if (exited !== undefined) throw new Error(`the CMD exited (${exited}):\n${server.output()}`);
        if (Date.now() > deadline) throw new Error(`the CMD did not start:\n${server.output()}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      // The copied sources are newer than the copied build: FUSE_SKIP_BUILD keeps it from rebuilding.
      expect(server.output()).not.toMatch(/building|next build/);
      expect(server.output()).not.toMatch(/does not work with "output: standalone"/);
      expect(server.output()).toMatch(/no demo data with NODE_ENV=production/);
      expect((await fetch(`http://127.0.0.1:${port}/api/health`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/api/ready`)).status).toBe(200);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
