import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { envMode } from '@/cli/env';

/**
 * The `.env*` files as the `fuse` command and drizzle.config.ts read them (src/cli/env.ts): Next's
 * own loader and precedence. Each load runs in a child process, in a directory of its own, so this
 * process's environment is never touched.
 */
const ROOT = path.resolve(__dirname, '../..');
/** tsx from this checkout: the child runs in a directory without node_modules. */
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/esm/index.mjs')).href;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fuse-env-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

/** What loadEnvFiles(dir, command) leaves in process.env, for the keys asked. */
function load(dir: string, command: string | undefined, env: Record<string, string>, keys: string[]) {
  const script = `
    const { loadEnvFiles } = await import(${JSON.stringify(path.join(ROOT, 'src/cli/env.ts'))});
    const files = loadEnvFiles(process.cwd(), ${JSON.stringify(command)});
    console.log(JSON.stringify({ files, env: Object.fromEntries(${JSON.stringify(keys)}.map((k) => [k, process.env[k] ?? null])) }));`;
  const base = { PATH: process.env.PATH, HOME: process.env.HOME, ...env } as unknown as NodeJS.ProcessEnv;
  const result = spawnSync(process.execPath, ['--import', TSX, '--input-type=module', '-e', script], { cwd: dir, env: base, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { files: string[]; env: Record<string, string | null> };
}

const FILES = {
  '.env': 'A=env\nB=env\nC=env\nD=env\nNODE_ENV=development\n',
  '.env.production': 'A=production\nB=production\nC=production\n',
  '.env.local': 'A=local\nB=local\n',
  '.env.production.local': 'A=production.local\n',
  '.env.development.local': 'A=development.local\n',
  '.env.test': 'A=test\n',
};

describe('env files', () => {
  it('which files a command reads: start as `next start`, dev as `next dev`, the rest by NODE_ENV', () => {
    expect(envMode('start', undefined)).toBe('production');
    expect(envMode('start', 'development')).toBe('production');
    expect(envMode('dev', undefined)).toBe('development');
    expect(envMode('dev', 'production')).toBe('development');
    expect(envMode('migrate', undefined)).toBe('production');
    expect(envMode('migrate', 'development')).toBe('development');
    expect(envMode('backup', 'production')).toBe('production');
    for (const command of ['start', 'dev', 'migrate', undefined]) expect(envMode(command, 'test')).toBe('test');
  });

  it('Next’s precedence: .env.$(mode).local, .env.local, .env.$(mode), .env; NODE_ENV never from a file', () => {
    const dir = project(FILES);
    const start = load(dir, 'start', {}, ['A', 'B', 'C', 'D', 'NODE_ENV']);
    expect(start.env).toEqual({ A: 'production.local', B: 'local', C: 'production', D: 'env', NODE_ENV: null });
    expect(start.files).toEqual(['.env.production.local', '.env.local', '.env.production', '.env']);
    expect(load(dir, 'dev', {}, ['A', 'B', 'C'])).toMatchObject({ env: { A: 'development.local', B: 'local', C: 'env' } });
    // NODE_ENV=test: .env.local is left out, as in Next.
    expect(load(dir, 'migrate', { NODE_ENV: 'test' }, ['A', 'B', 'NODE_ENV'])).toMatchObject({ env: { A: 'test', B: 'env', NODE_ENV: 'test' } });
  });

  it('the real environment wins over every file, an empty value included', () => {
    const dir = project(FILES);
    expect(load(dir, 'migrate', { A: 'real', B: '' }, ['A', 'B', 'C']).env).toEqual({ A: 'real', B: '', C: 'production' });
  });

  it('DATABASE_URL only in .env.local reaches every command (what .env.example tells users to do)', () => {
    const dir = project({ '.env.local': 'DATABASE_URL=postgres://fuse@127.0.0.1:5432/from_env_local\n' });
    for (const command of ['start', 'dev', 'migrate', 'seed', 'backup', 'restore', 'create-admiral']) {
      expect(load(dir, command, {}, ['DATABASE_URL']).env.DATABASE_URL, command).toBe('postgres://fuse@127.0.0.1:5432/from_env_local');
    }
  });

  it('drizzle.config.ts reads them too', () => {
    const dir = project({ '.env.local': 'DATABASE_URL=postgres://fuse@127.0.0.1:5432/for_drizzle\n' });
    const script = `const { default: config } = await import(${JSON.stringify(path.join(ROOT, 'drizzle.config.ts'))}); console.log(config.dbCredentials.url);`;
    const result = spawnSync(process.execPath, ['--import', TSX, '--input-type=module', '-e', script], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: process.env.HOME } as unknown as NodeJS.ProcessEnv,
      encoding: 'utf8',
    });
    expect(result.stdout.trim(), result.stderr).toBe('postgres://fuse@127.0.0.1:5432/for_drizzle');
  });
}, 60_000);
