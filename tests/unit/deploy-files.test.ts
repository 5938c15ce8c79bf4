import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '@/cli/args';

/**
 * The deployment files, checked as far as this machine can without a Docker daemon: the Dockerfile's
 * sources and entry points exist, .dockerignore keeps local data and secrets out, compose.yaml
 * starts PostgreSQL and Redis with health checks, migrates once, then serves (`docker compose
 * config` validates it too where the compose plugin is installed), vercel.json's crons are FUSE's
 * jobs, and CI tests every supported Node line. tests/e2e/container-image.test.ts runs the image's
 * entry points from a directory laid out like the image.
 */
const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
// A YAML parser that ships with ESLint (a devDependency): nothing is added for this test.
const yaml = createRequire(path.join(ROOT, 'node_modules/@eslint/eslintrc/package.json'))('js-yaml') as { load: (text: string) => unknown };

type Instruction = { op: string; args: string };
function dockerfile(): { stages: Record<string, Instruction[]>; order: string[] } {
  const stages: Record<string, Instruction[]> = {};
  const order: string[] = [];
  let current = '';
  const lines = read('Dockerfile')
    .replace(/\\\n\s*/g, ' ')
    .split('\n');
  for (const line of lines) {
    const m = /^([A-Z]+)\s+(.*)$/.exec(line.trim());
    if (!m || line.trim().startsWith('#')) continue;
    if (m[1] === 'FROM') {
      current = /\bAS\s+(\S+)/i.exec(m[2]!)?.[1] ?? String(order.length);
      order.push(current);
      stages[current] = [];
    }
    stages[current]!.push({ op: m[1]!, args: m[2]! });
  }
  return { stages, order };
}

describe('Dockerfile', () => {
  const { stages, order } = dockerfile();
  const run = stages[order.at(-1)!]!;

  it('every COPY source from the build context exists', () => {
    const copies = Object.values(stages)
      .flat()
      .filter((i) => i.op === 'COPY' && !i.args.includes('--from='));
    expect(copies.length).toBeGreaterThan(2);
    for (const copy of copies) {
      const parts = copy.args.split(/\s+/).filter((p) => !p.startsWith('--'));
      for (const source of parts.slice(0, -1)) {
        if (source === '.') continue;
        expect(existsSync(path.join(ROOT, source)), `COPY ${source}`).toBe(true);
      }
    }
  });

  it('the run stage serves and migrates with the `fuse` command, from files it copies, without devDependencies or a rebuild', () => {
    const cmd = JSON.parse(run.find((i) => i.op === 'CMD')!.args) as string[];
    expect(cmd).toEqual(['node', 'scripts/start.mjs', 'start']);
    const copied = run.filter((i) => i.op === 'COPY').map((i) => i.args.split(/\s+/).filter((p) => !p.startsWith('--')));
    const destinations = copied.flatMap((parts) =>
      parts.slice(0, -1).map((s) => (parts.at(-1) === './' || parts.at(-1) === '.' ? s : parts.at(-1)!)),
    );
    for (const needed of ['scripts', 'src', 'drizzle', 'package.json', 'tsconfig.json', 'next.config.ts']) {
      expect(
        destinations.some((d) => d === needed || d === `./${needed}` || d === `/app/${needed}`),
        needed,
      ).toBe(true);
    }
    expect(run.some((i) => i.op === 'COPY' && /--from=build\b.*\/app\/\.next\s/.test(`${i.args} `))).toBe(true);
    // The entry files the image runs exist, and the migrate entry is a real command.
    for (const file of ['scripts/start.mjs', 'src/cli/fuse.ts', 'drizzle/meta/_journal.json'])
      expect(existsSync(path.join(ROOT, file)), file).toBe(true);
    expect(Object.keys(COMMANDS)).toEqual(expect.arrayContaining(['start', 'migrate']));
    expect(read('Dockerfile')).not.toMatch(/migrate\.mjs|server\.js|standalone/);
    const runs = run
      .filter((i) => i.op === 'RUN')
      .map((i) => i.args)
      .join('\n');
    expect(runs).toMatch(/npm ci --omit=dev/);
    const env = run
      .filter((i) => i.op === 'ENV')
      .map((i) => i.args)
      .join(' ');
    for (const setting of ['NODE_ENV=production', 'FUSE_SKIP_BUILD=1', 'HOSTNAME=0.0.0.0', 'NEXT_MANUAL_SIG_HANDLE=true'])
      expect(env).toContain(setting);
    expect(run.some((i) => i.op === 'USER' && i.args !== 'root')).toBe(true);
  });
});

describe('.dockerignore', () => {
  it('keeps local data, secrets, installed and built output out of the build context', () => {
    const entries = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const entry of ['.fuse', '.env*', 'backups', 'node_modules', '.next', '.next-*', 'test-results', 'bench/results/tmp', '.git']) {
      expect(entries, entry).toContain(entry);
    }
  });
});

type Service = {
  image?: string;
  build?: unknown;
  command?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  environment?: Record<string, string>;
};

describe('compose.yaml', () => {
  const compose = yaml.load(read('compose.yaml')) as { services: Record<string, Service> };

  it('PostgreSQL 16 and Redis 7 with health checks; a one-off migrate; the app after both, with its own health check', () => {
    const { postgres, redis, migrate, app } = compose.services;
    expect(postgres!.image).toBe('postgres:16');
    expect(redis!.image).toBe('redis:7');
    expect(postgres!.healthcheck!.test.join(' ')).toMatch(/pg_isready/);
    expect(redis!.healthcheck!.test.join(' ')).toMatch(/redis-cli.*ping/);
    expect(migrate!.command).toEqual(['node', 'scripts/start.mjs', 'migrate']);
    expect(migrate!.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(app!.command).toEqual(['node', 'scripts/start.mjs', 'start']);
    expect(app!.depends_on).toEqual({
      migrate: { condition: 'service_completed_successfully' },
      postgres: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
    });
    expect(app!.healthcheck!.test.join(' ')).toContain('/api/ready');
    for (const service of [migrate!, app!]) {
      expect(service.build).toBe('.');
      expect(service.environment!.NODE_ENV).toBe('production');
      expect(service.environment!.DATABASE_URL).toMatch(/@postgres:5432\//);
      expect(service.environment!.REDIS_URL).toBe('redis://redis:6379');
      // Required from the environment or .env: compose refuses to start without it.
      expect(service.environment!.SESSION_SECRET).toMatch(/^\$\{SESSION_SECRET:\?/);
    }
  });

  it('`docker compose config` accepts it, where the compose plugin is installed', () => {
    const version = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' });
    if (version.status !== 0) {
      console.warn('docker compose is not installed here: compose.yaml was checked by structure only');
      return;
    }
    const result = spawnSync('docker', ['compose', '-f', 'compose.yaml', 'config', '--quiet'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, SESSION_SECRET: 'x'.repeat(48) },
    });
    expect(result.status, result.stderr).toBe(0);
  });
});

describe('one way to serve: next start', () => {
  it('next.config.ts has no standalone output (whose build `next start` warns about)', () => {
    expect(read('next.config.ts')).not.toMatch(/output:\s*['"]standalone['"]/);
  });
});

describe('vercel.json', () => {
  it('schedules FUSE’s cron routes, for jobs that exist, and gives the live stream a function time limit', async () => {
    const vercel = JSON.parse(read('vercel.json')) as {
      crons: { path: string; schedule: string }[];
      functions: Record<string, { maxDuration: number }>;
    };
    const jobs = read('src/jobs.ts');
    expect(vercel.crons.length).toBeGreaterThanOrEqual(3);
    for (const cron of vercel.crons) {
      const name = /^\/api\/cron\/([a-z-]+)$/.exec(cron.path)?.[1];
      expect(name, cron.path).toBeTruthy();
      expect(jobs).toContain(`'${name}'`);
      expect(cron.schedule.split(' ')).toHaveLength(5);
    }
    for (const [file, fn] of Object.entries(vercel.functions)) {
      expect(existsSync(path.join(ROOT, file)), file).toBe(true);
      expect(fn.maxDuration).toBeGreaterThan(0);
    }
  });
});

describe('CI', () => {
  it('tests every supported Node.js line: 20, 22 and 24', () => {
    const workflow = yaml.load(read('.github/workflows/ci.yml')) as { jobs: { ci: { strategy: { matrix: { node: string[] } } } } };
    expect(workflow.jobs.ci.strategy.matrix.node.map(String)).toEqual(['20', '22', '24']);
  });
});
