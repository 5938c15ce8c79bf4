import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { domainNames, insertAtMarker, NewDomainError, planDomain, REGISTRATIONS, TEMPLATE_DIR, writeDomain } from '@/cli/new-domain';

/**
 * `fuse new-domain` (src/cli/new-domain.ts): which names it refuses, that a refusal or a failed step
 * leaves every file as it was, and what it writes. The generated domain itself is checked end to end
 * (lint, typecheck, its own tests) by scripts/check-new-domain.sh in CI.
 */
const ROOT = path.resolve(__dirname, '../..');
const scratch: string[] = [];

afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    if (err instanceof NewDomainError) return err.message;
    throw err;
  }
  throw new Error('expected a NewDomainError');
}

/** Every file under `dir` with its content: what "nothing changed" is compared with. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out[path.relative(dir, full)] = readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/** A small repository: the template, the files the generator registers a domain in, and a migration journal. */
function fakeRepo(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fuse-new-domain-test-'));
  scratch.push(dir);
  cpSync(path.join(ROOT, TEMPLATE_DIR), path.join(dir, TEMPLATE_DIR), { recursive: true });
  for (const { file } of REGISTRATIONS) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    cpSync(path.join(ROOT, file), path.join(dir, file));
  }
  mkdirSync(path.join(dir, 'src/domains/clients'), { recursive: true });
  writeFileSync(path.join(dir, 'src/domains/clients/schema.ts'), "export const clients = pgTable('clients', {});\n");
  mkdirSync(path.join(dir, 'drizzle/meta'), { recursive: true });
  writeFileSync(path.join(dir, 'drizzle/meta/_journal.json'), '{"entries":[]}\n');
  return dir;
}

describe('fuse new-domain: names', () => {
  it('accepts plural lowercase names and derives their spellings', () => {
    expect(domainNames('projects')).toEqual({ plural: 'projects', singular: 'project', Plural: 'Projects', Singular: 'Project' });
    expect(domainNames('categories').singular).toBe('category');
    expect(domainNames('boxes').singular).toBe('box');
    expect(domainNames('addresses').singular).toBe('address');
    expect(domainNames('classes').singular).toBe('class');
    expect(domainNames('posts').singular).toBe('post');
  });

  it('refuses malformed names with a message saying what a name must be', () => {
    for (const name of [
      '',
      'a',
      's',
      'Projects',
      'PROJECTS',
      'pro-jects',
      'pro_jects',
      'projects1',
      'projects ',
      ' projects',
      'projéts',
      `${'a'.repeat(30)}s`,
      '../etc',
      'a/b',
      '__proto__',
      '$(rm)',
    ]) {
      expect(
        refusal(() => domainNames(name)),
        JSON.stringify(name),
      ).toMatch(/lowercase letters|plural|not a usable name/);
    }
    for (const name of ['project', 'class', 'status', 'analysis', 'ies']) {
      expect(
        refusal(() => domainNames(name)),
        name,
      ).toMatch(/plural|not a usable name/);
    }
  });

  it('refuses names the platform already uses', () => {
    for (const name of [
      'api',
      'auth',
      'dashboard',
      'admin',
      'settings',
      'users',
      'sessions',
      'businesses',
      'items',
      'statuses',
      'names',
      'metrics',
      'vitals',
    ]) {
      expect(
        refusal(() => domainNames(name)),
        name,
      ).toContain('reserved');
    }
  });

  it('refuses an existing domain, route or table of this repository', () => {
    for (const name of ['clients', 'invoices'])
      expect(
        refusal(() => planDomain(ROOT, name)),
        name,
      ).toMatch(/already/);
  });
});

describe('fuse new-domain: what it writes', () => {
  it('plans every file of the domain from the template, with no trace of the template’s name', () => {
    const plan = planDomain(ROOT, 'projects');
    expect([...plan.files.keys()].sort()).toEqual(
      expect.arrayContaining([
        'src/app/api/projects/[id]/route.ts',
        'src/app/api/projects/route.ts',
        'src/app/dashboard/projects/page.tsx',
        'src/domains/projects/events.ts',
        'src/domains/projects/manifest.ts',
        'src/domains/projects/schema.ts',
        'src/domains/projects/statuses.ts',
        'src/domains/projects/validators.ts',
        'tests/db/projects.test.ts',
        'tests/e2e/projects.test.ts',
      ]),
    );
    for (const [file, text] of plan.files) expect(text, file).not.toMatch(/widget/i);
    expect(plan.files.get('src/domains/projects/schema.ts')).toContain("pgTable(\n  'projects'");
    // The browser's views take the status list from statuses.ts, never from the schema.
    expect(plan.files.get('src/domains/projects/statuses.ts')).toContain('export const PROJECT_STATUSES');
    expect(plan.files.get('src/domains/projects/components/projects-view.tsx')).toContain("from '../statuses'");
    expect(plan.edits.get('src/fuse/auth/permissions.ts')![1]).toContain("'projects.archive': { ranks: CAPTAINS");
  });

  it('writes the files and registrations above each marker, which stays for the next domain', () => {
    const repo = fakeRepo();
    writeDomain(repo, planDomain(repo, 'projects'), []);
    expect(existsSync(path.join(repo, 'src/domains/projects/manifest.ts'))).toBe(true);
    expect(existsSync(path.join(repo, 'src/app/api/projects/[id]/route.ts'))).toBe(true);
    const domains = readFileSync(path.join(repo, 'src/app/dashboard/domains.ts'), 'utf8');
    expect(domains).toContain("import { projectsDomain } from '@/domains/projects/manifest';\n// fuse new-domain: imports");
    expect(domains).toMatch(/ {2}projectsDomain,\n {2}\/\/ fuse new-domain: sidebar/);
    expect(readFileSync(path.join(repo, 'src/fuse/auth/read-access.ts'), 'utf8')).toContain(
      "  projects: { kinds: { upsert: 'business' } },\n  // fuse new-domain",
    );
    expect(readdirSync(repo).filter((f) => f.startsWith('.fuse-new-domain'))).toEqual([]);

    // A second domain goes in after the first; the first cannot be generated twice.
    writeDomain(repo, planDomain(repo, 'tasks'), []);
    const permissions = readFileSync(path.join(repo, 'src/fuse/auth/permissions.ts'), 'utf8');
    expect(permissions.indexOf("'projects.read'")).toBeLessThan(permissions.indexOf("'tasks.read'"));
    const matrix = readFileSync(path.join(repo, 'tests/e2e/ranks-matrix.test.ts'), 'utf8');
    expect(matrix.split("import { newNamedRow } from './ranks-helpers';")).toHaveLength(2);
    expect(refusal(() => planDomain(repo, 'projects'))).toContain('already exists');
  });

  it('refuses a name whose rows a registry still holds (its folder deleted by hand)', () => {
    const repo = fakeRepo();
    const file = path.join(repo, 'tests/unit/live-read-access.test.ts');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        '  // fuse new-domain: expected readers',
        "  projects: { upsert: 'all' },\n  // fuse new-domain: expected readers",
      ),
    );
    const before = snapshot(repo);
    expect(refusal(() => planDomain(repo, 'projects'))).toContain('tests/unit/live-read-access.test.ts already lists "projects"');
    expect(snapshot(repo)).toEqual(before);
  });

  it('writes nothing when a refusal is found, even one found late (a marker missing)', () => {
    const repo = fakeRepo();
    const file = path.join(repo, 'tests/e2e/ranks-matrix.test.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace('// fuse new-domain: scenarios', '// scenarios'));
    const before = snapshot(repo);
    expect(refusal(() => writeDomain(repo, planDomain(repo, 'projects'), []))).toContain('tests/e2e/ranks-matrix.test.ts must hold the comment');
    expect(snapshot(repo)).toEqual(before);
  });

  it('undoes every file when a later step fails (the migration included)', () => {
    const repo = fakeRepo();
    const before = snapshot(repo);
    const failingMigration = () => {
      writeFileSync(path.join(repo, 'drizzle/0010_projects.sql'), 'create table projects ();');
      writeFileSync(path.join(repo, 'drizzle/meta/_journal.json'), '{"entries":[{"tag":"0010_projects"}]}\n');
      throw new NewDomainError('drizzle-kit generate failed');
    };
    expect(refusal(() => writeDomain(repo, planDomain(repo, 'projects'), [failingMigration]))).toBe('drizzle-kit generate failed');
    expect(snapshot(repo)).toEqual(before);
    expect(existsSync(path.join(repo, 'src/domains/projects'))).toBe(false);
    expect(existsSync(path.join(repo, 'src/app/api/projects'))).toBe(false);
  });

  it('inserts at a marker with its indentation, and refuses a marker found twice', () => {
    expect(insertAtMarker('a\n    // fuse new-domain: x\nb', 'f.ts', 'x', ['one', 'two'])).toBe('a\n    one\n    two\n    // fuse new-domain: x\nb');
    expect(refusal(() => insertAtMarker('// fuse new-domain: x\n// fuse new-domain: x', 'f.ts', 'x', ['y']))).toContain('found 2');
  });

  it('the command refuses a bad name with exit 1 and a clear message, writing nothing', () => {
    const run = spawnSync(process.execPath, ['scripts/start.mjs', 'new-domain', 'Bad-Name'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NODE_ENV: 'test' },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('"Bad-Name" is not a domain name');
    expect(existsSync(path.join(ROOT, 'src/domains/bad-name'))).toBe(false);
    const missing = spawnSync(process.execPath, ['scripts/start.mjs', 'new-domain'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NODE_ENV: 'test' },
    });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('needs NAME');
  }, 60_000);
});
