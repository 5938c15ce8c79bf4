/**
 * `fuse new-domain <name>`: writes a working domain from the template in src/cli/templates/domain
 * (a domain called `widgets`, renamed), registers it where the platform lists domains (each place
 * marked by a `// fuse new-domain:` comment), and generates its migration with drizzle-kit.
 * Everything is checked before anything is written; a step that fails afterwards (the migration,
 * the formatter) undoes every file written or changed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const TEMPLATE_DIR = path.join('src', 'cli', 'templates', 'domain');

/** Names the app already uses for something else: routes, pages, platform tables and modules. */
const RESERVED = new Set([
  'api',
  'app',
  'auth',
  'admin',
  'business',
  'businesses',
  'cron',
  'dashboard',
  'data',
  'domains',
  'errors',
  'export',
  'exports',
  'fuse',
  'health',
  'invites',
  'items',
  'join',
  'live',
  'lists',
  'memberships',
  'metrics',
  'names',
  'outbox',
  'public',
  'ready',
  'sessions',
  'settings',
  'statuses',
  'tests',
  'users',
  'vitals',
]);

export class NewDomainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NewDomainError';
  }
}

export type DomainNames = { plural: string; singular: string; Plural: string; Singular: string };

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The singular of a plural name: projects → project, categories → category, boxes → box. */
function singularOf(plural: string): string {
  if (plural.endsWith('ies')) return `${plural.slice(0, -3)}y`;
  if (/(ss|sh|ch|x|z)es$/.test(plural)) return plural.slice(0, -2);
  return plural.slice(0, -1);
}

/** The spellings of a valid name, or a NewDomainError saying what is wrong with it. */
export function domainNames(name: string): DomainNames {
  if (!/^[a-z]{2,30}$/.test(name)) {
    throw new NewDomainError(`"${name}" is not a domain name: use 2 to 30 lowercase letters a-z (no digits, dashes or capitals), e.g. projects.`);
  }
  if (RESERVED.has(name)) throw new NewDomainError(`"${name}" is reserved: the platform already uses it. Choose another name.`);
  if (!name.endsWith('s') || /(ss|us|is)$/.test(name)) {
    throw new NewDomainError(`"${name}" should be a plural noun ending in s (projects, categories): it names the table and the list.`);
  }
  const singular = singularOf(name);
  if (singular.length < 2) throw new NewDomainError(`"${name}" cannot be used: its singular "${singular}" is not a usable name.`);
  return { plural: name, singular, Plural: capital(name), Singular: capital(singular) };
}

/** Replaces every spelling of the template's domain name (widgets, Widgets, WIDGETS, widget, Widget, WIDGET). */
export function renameTemplate(text: string, names: DomainNames): string {
  const map: Record<string, string> = {
    widgets: names.plural,
    Widgets: names.Plural,
    WIDGETS: names.plural.toUpperCase(),
    widget: names.singular,
    Widget: names.Singular,
    WIDGET: names.singular.toUpperCase(),
  };
  return text.replace(/widgets|Widgets|WIDGETS|widget|Widget|WIDGET/g, (m) => map[m]!);
}

/** One `// fuse new-domain: <marker>` comment of an existing file, and the lines to insert above it. */
type Registration = { file: string; marker: string; lines: (n: DomainNames) => string[] };

export const REGISTRATIONS: Registration[] = [
  {
    file: 'src/fuse/auth/permissions.ts',
    marker: 'permission rows',
    lines: ({ plural }) => [
      `'${plural}.read': { ranks: RANKS, refusal: 'Your rank does not allow this.' },`,
      `'${plural}.create': { ranks: MEMBERS, refusal: 'The support view is read-only.' },`,
      `'${plural}.edit': { ranks: CAPTAINS, refusal: 'Only a captain can change or archive ${plural}.' },`,
      `'${plural}.archive': { ranks: CAPTAINS, refusal: 'Only a captain can change or archive ${plural}.' },`,
    ],
  },
  {
    file: 'tests/unit/permissions.test.ts',
    marker: 'expected ranks',
    lines: ({ plural }) => [
      `'${plural}.read': ['crew', 'captain', 'commodore', 'admiral'],`,
      `'${plural}.create': ['crew', 'captain', 'commodore'],`,
      `'${plural}.edit': ['captain', 'commodore'],`,
      `'${plural}.archive': ['captain', 'commodore'],`,
    ],
  },
  { file: 'src/fuse/auth/read-access.ts', marker: 'read access', lines: ({ plural }) => [`${plural}: { kinds: { upsert: 'business' } },`] },
  { file: 'tests/unit/live-read-access.test.ts', marker: 'expected readers', lines: ({ plural }) => [`${plural}: { upsert: 'all' },`] },
  {
    file: 'src/app/dashboard/domains.ts',
    marker: 'imports',
    lines: ({ plural }) => [`import { ${plural}Domain } from '@/domains/${plural}/manifest';`],
  },
  { file: 'src/app/dashboard/domains.ts', marker: 'sidebar', lines: ({ plural }) => [`${plural}Domain,`] },
  { file: 'tests/e2e/ranks-matrix.test.ts', marker: 'imports', lines: () => [`import { newNamedRow } from './ranks-helpers';`] },
  {
    file: 'tests/e2e/ranks-matrix.test.ts',
    marker: 'scenarios',
    lines: ({ plural }) => [
      `'${plural}.read': { run: (c) => call(baseUrl, c, 'GET', '/api/${plural}'), allowed: 200 },`,
      `'${plural}.create': { run: (c) => call(baseUrl, c, 'POST', '/api/${plural}', { name: 'Matrix row' }), allowed: 201 },`,
      `'${plural}.edit': { run: async (c) => call(baseUrl, c, 'PATCH', \`/api/${plural}/\${await newNamedRow(baseUrl, cookies.captain, '/api/${plural}')}\`, { name: 'Matrix edit' }), allowed: 200 },`,
      `'${plural}.archive': { run: async (c) => call(baseUrl, c, 'DELETE', \`/api/${plural}/\${await newNamedRow(baseUrl, cookies.captain, '/api/${plural}')}\`), allowed: 200 },`,
    ],
  },
];

/** Inserts `lines` above the one line holding the marker comment, indented like it, skipping lines already there. */
export function insertAtMarker(text: string, file: string, marker: string, lines: string[]): string {
  const tag = `// fuse new-domain: ${marker}`;
  const all = text.split('\n');
  const at = all.flatMap((line, i) => (line.trimStart().startsWith(tag) ? [i] : []));
  if (at.length !== 1) {
    throw new NewDomainError(`${file} must hold the comment "${tag}" exactly once (found ${at.length}): put it back where the domains are listed.`);
  }
  const indent = /^\s*/.exec(all[at[0]!]!)![0];
  // A line the file already holds (an import a previous domain added) is not added twice.
  const present = new Set(all.map((l) => l.trim()));
  all.splice(at[0]!, 0, ...lines.filter((l) => !present.has(l.trim())).map((l) => indent + l));
  return all.join('\n');
}

function walk(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? walk(full, base) : [path.relative(base, full)];
  });
}

/** Table names the schema files already declare (`pgTable('clients', …)`). */
function existingTables(root: string): Set<string> {
  const names = new Set<string>();
  for (const top of ['src/fuse', 'src/domains']) {
    const dir = path.join(root, top);
    if (!existsSync(dir)) continue;
    for (const file of walk(dir).filter((f) => f.endsWith('schema.ts'))) {
      for (const m of readFileSync(path.join(dir, file), 'utf8').matchAll(/pgTable\(\s*'([^']+)'/g)) names.add(m[1]!);
    }
  }
  return names;
}

export type DomainPlan = {
  names: DomainNames;
  /** New files, by path from the root. */
  files: Map<string, string>;
  /** Existing files with their registrations inserted: path → [before, after]. */
  edits: Map<string, [string, string]>;
};

/** Everything the generator would write, checked against the repository; throws NewDomainError when anything is in the way. */
export function planDomain(root: string, name: string): DomainPlan {
  const names = domainNames(name);
  const { plural } = names;
  const taken = [`src/domains/${plural}`, `src/app/api/${plural}`, `src/app/dashboard/${plural}`].filter((p) => existsSync(path.join(root, p)));
  if (taken.length) throw new NewDomainError(`"${plural}" already exists (${taken.join(', ')}). Choose another name.`);
  if (existingTables(root).has(plural)) throw new NewDomainError(`"${plural}" is already a table of the platform. Choose another name.`);

  const template = path.join(root, TEMPLATE_DIR);
  if (!existsSync(template)) throw new NewDomainError(`the domain template is missing (${TEMPLATE_DIR}).`);
  const files = new Map<string, string>();
  for (const rel of walk(template)) {
    const target = renameTemplate(rel.split(path.sep).join('/'), names);
    if (existsSync(path.join(root, target))) throw new NewDomainError(`${target} already exists. Choose another name.`);
    files.set(target, renameTemplate(readFileSync(path.join(template, rel), 'utf8'), names));
  }

  const edits = new Map<string, [string, string]>();
  for (const reg of REGISTRATIONS) {
    const file = path.join(root, reg.file);
    if (!existsSync(file)) throw new NewDomainError(`${reg.file} is missing: the generator registers the domain there.`);
    const before = edits.get(reg.file)?.[0] ?? readFileSync(file, 'utf8');
    const current = edits.get(reg.file)?.[1] ?? before;
    if (new RegExp(`['"\`]${plural}\\.read['"\`]|\\b${plural}Domain\\b|^\\s*${plural}: \\{`, 'm').test(before)) {
      throw new NewDomainError(`${reg.file} already lists "${plural}". Choose another name, or remove those lines first.`);
    }
    edits.set(reg.file, [before, insertAtMarker(current, reg.file, reg.marker, reg.lines(names))]);
  }
  return { names, files, edits };
}

export type Step = (root: string, plan: DomainPlan, changed: string[]) => void;

/** `drizzle-kit generate` for the new table: the migration the next `fuse migrate` (and `npm start`) applies. */
export const generateMigration: Step = (root, plan) => {
  const run = spawnSync('npx', ['--no-install', 'drizzle-kit', 'generate', '--name', plan.names.plural], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
  });
  if (run.status !== 0) throw new NewDomainError(`drizzle-kit generate failed:\n${run.stdout ?? ''}${run.stderr ?? ''}`);
};

/** Prettier over what was written: a long name may change where lines break. */
export const formatFiles: Step = (root, _plan, changed) => {
  const run = spawnSync('npx', ['--no-install', 'prettier', '--write', '--log-level', 'warn', ...changed], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
  });
  if (run.status !== 0) throw new NewDomainError(`prettier failed:\n${run.stdout ?? ''}${run.stderr ?? ''}`);
};

/**
 * Writes the plan: new files are written into a staging folder first and moved into place, edited
 * files are rewritten whole, then the steps run. Any failure puts every file back as it was
 * (the migration folder included) and rethrows.
 */
export function writeDomain(root: string, plan: DomainPlan, steps: Step[] = [generateMigration, formatFiles]): string[] {
  const staging = path.join(root, `.fuse-new-domain-${process.pid}`);
  const created: string[] = [];
  const createdDirs: string[] = [];
  const edited: string[] = [];
  const drizzleDir = path.join(root, 'drizzle');
  const drizzleBefore = existsSync(drizzleDir) ? new Set(walk(drizzleDir)) : new Set<string>();
  const journal = path.join(drizzleDir, 'meta', '_journal.json');
  const journalBefore = existsSync(journal) ? readFileSync(journal, 'utf8') : null;
  const mkdirs = (dir: string) => {
    const missing: string[] = [];
    for (let d = dir; !existsSync(d); d = path.dirname(d)) missing.unshift(d);
    mkdirSync(dir, { recursive: true });
    return missing;
  };
  try {
    for (const [rel, text] of plan.files) {
      const staged = path.join(staging, rel);
      mkdirSync(path.dirname(staged), { recursive: true });
      writeFileSync(staged, text);
    }
    for (const rel of plan.files.keys()) {
      const target = path.join(root, rel);
      createdDirs.push(...mkdirs(path.dirname(target)));
      renameSync(path.join(staging, rel), target);
      created.push(rel);
    }
    for (const [rel, [, after]] of plan.edits) {
      writeFileSync(path.join(root, rel), after);
      edited.push(rel);
    }
    const changed = [...created, ...edited];
    for (const step of steps) step(root, plan, changed);
    return changed;
  } catch (err) {
    for (const rel of created) rmSync(path.join(root, rel), { force: true });
    for (const dir of createdDirs.reverse()) if (existsSync(dir) && readdirSync(dir).length === 0) rmdirSync(dir);
    for (const rel of edited) writeFileSync(path.join(root, rel), plan.edits.get(rel)![0]);
    if (existsSync(drizzleDir)) for (const rel of walk(drizzleDir)) if (!drizzleBefore.has(rel)) rmSync(path.join(drizzleDir, rel), { force: true });
    if (journalBefore !== null) writeFileSync(journal, journalBefore);
    throw err;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** The command: plan (every check), write, and say what to do next. */
export function runNewDomain(root: string, name: string, say: (line: string) => void): void {
  const plan = planDomain(root, name);
  const changed = writeDomain(root, plan);
  const { plural } = plan.names;
  say(`wrote the ${plural} domain:`);
  for (const rel of changed) say(`  ${plan.edits.has(rel) ? 'changed' : 'created'} ${rel}`);
  const migrations = readdirSync(path.join(root, 'drizzle')).filter((f) => f.endsWith(`_${plural}.sql`));
  for (const file of migrations) say(`  created drizzle/${file} (drizzle-kit)`);
  say(`next: npm run db:migrate (or npm start), then open /dashboard/${plural}; its tests:`);
  say(`  npx vitest run --project db tests/db/${plural}.test.ts`);
  say(`  npx vitest run --project e2e tests/e2e/${plural}.test.ts tests/e2e/ranks-matrix.test.ts`);
}
