/**
 * The `fuse` command line: every command with its options, parsed strictly by node:util's
 * parseArgs, and the help that lists them. A mistake is a UsageError (exit 2) that says what was
 * wrong and, when a name is close, what was probably meant.
 */
import { parseArgs } from 'node:util';

type OptionSpec = { type: 'string' | 'boolean'; short?: string; value?: string; description: string };
type CommandSpec = {
  summary: string;
  /** One positional argument, when the command takes one. */
  positional?: { name: string; required: boolean; description: string };
  options: Record<string, OptionSpec>;
  /** Lines printed after the options by `fuse help <command>`. */
  notes?: string[];
};

const demo: OptionSpec = {
  type: 'boolean',
  description: 'load the demo accounts (published password) into DATABASE_URL too; refused with NODE_ENV=production',
};

export const COMMANDS = {
  start: {
    summary: 'build if the sources changed, migrate, and serve the production app on PORT (3000)',
    options: { demo },
    notes: [
      'Without DATABASE_URL: the embedded database under FUSE_DATA_DIR (.fuse), with the demo business, on 127.0.0.1.',
      'FUSE_SKIP_BUILD=1 serves the existing build as it is (containers, systemd).',
    ],
  },
  dev: {
    summary: 'migrate and serve the Next.js development server on PORT (3000)',
    options: { demo },
    notes: ['Without DATABASE_URL: the embedded database, with the demo business, on 127.0.0.1.'],
  },
  migrate: {
    summary: 'apply the database migrations (DATABASE_DIRECT_URL, else DATABASE_URL, else the embedded database)',
    options: {},
  },
  seed: {
    summary: 'load the demo business (the embedded database; --demo for DATABASE_URL; never with NODE_ENV=production)',
    options: {
      demo,
      'scale-target': { type: 'boolean', description: 'load the scale-target data set instead (100K users, 1M+ clients)' },
      scale: { type: 'string', value: 'FACTOR', description: 'with --scale-target: a share of it, e.g. 0.01 (default 1)' },
      force: { type: 'boolean', description: 'with --scale-target: load it even when the database already holds data' },
    },
  },
  backup: {
    summary: 'write a verified snapshot of every table to one file',
    options: { out: { type: 'string', value: 'FILE', description: 'where to write it (default: BACKUP_DIR or backups/, a dated name)' } },
  },
  restore: {
    summary: 'verify a backup file, then restore it into an empty database',
    positional: { name: 'FILE', required: true, description: 'the backup file (from `fuse backup`)' },
    options: {},
  },
  'create-admiral': {
    summary: 'create or promote the platform admiral of a real deployment',
    options: {
      email: { type: 'string', value: 'EMAIL', description: 'the admiral’s email (required)' },
      name: { type: 'string', value: 'NAME', description: 'their name (default: the part of the email before @)' },
    },
    notes: [
      'The password is read without echo from the terminal, else from FUSE_ADMIRAL_PASSWORD or the first line of',
      'standard input; never from the command line, which other users of the machine can see.',
    ],
  },
  'finance-rebuild': {
    summary: 'recompute the finance summary totals from the invoices (a repair)',
    options: {},
  },
  'new-domain': {
    summary: 'write a new domain from the template: table and migration, API, page, permissions, live events, tests',
    positional: { name: 'NAME', required: true, description: 'its plural name in lowercase letters, e.g. projects (2 to 30 letters)' },
    options: {},
    notes: [
      'Writes src/domains/NAME, src/app/api/NAME, src/app/dashboard/NAME, tests/db and tests/e2e files and a',
      'migration (drizzle-kit), and adds the domain where the platform lists domains (each place is marked by a',
      '`// fuse new-domain:` comment). Nothing is written when the name is refused; a failed step undoes every file.',
    ],
  },
  help: {
    summary: 'show this help, or one command’s',
    positional: { name: 'COMMAND', required: false, description: 'the command to explain' },
    options: {},
  },
} satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMANDS;

const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', description: 'show this command’s help' };

export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type Parsed =
  | { kind: 'help'; text: string }
  | { kind: 'run'; command: Exclude<CommandName, 'help'>; values: Record<string, string | boolean | undefined>; positional: string | undefined };

/** Edit distance counting a swap of two neighbours as one edit (optimal string alignment), for "did you mean". */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The candidate closest to `input`, when it is close enough to be a likely typo. */
export function closest(input: string, candidates: string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const [x, y] = [input.toLowerCase(), candidate.toLowerCase()];
    // One name that starts the other (--output for --out) is as close as a typo.
    const prefix = Math.min(x.replace(/^-+/, '').length, y.replace(/^-+/, '').length) >= 3 && (x.startsWith(y) || y.startsWith(x));
    const d = prefix ? 1 : distance(x, y);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  // One edit for short names, two from five letters, three from nine: past that it is another word.
  const length = best?.length ?? 0;
  const limit = length < 5 ? 1 : length < 9 ? 2 : 3;
  return best !== null && bestDistance <= limit ? best : null;
}

const HINT = 'Run `npm run fuse -- --help` for every command and option.';

function optionLines(spec: CommandSpec, indent: string): string[] {
  const rows: [string, string][] = [];
  if (spec.positional) rows.push([spec.positional.required ? spec.positional.name : `[${spec.positional.name}]`, spec.positional.description]);
  for (const [name, option] of Object.entries(spec.options)) {
    rows.push([`--${name}${option.value ? ` ${option.value}` : ''}`, option.description]);
  }
  const width = Math.max(0, ...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `${indent}${left.padEnd(width)}  ${right}`);
}

/** Everything: each command with its options. */
export function generalHelp(): string {
  const lines = ['usage: fuse <command> [options]   (npm run fuse -- <command> [options]; npm start = fuse start)', '', 'commands:'];
  for (const [name, spec] of Object.entries(COMMANDS) as [CommandName, CommandSpec][]) {
    lines.push(`  ${name.padEnd(17)}${spec.summary}`);
    lines.push(...optionLines(spec, ' '.repeat(19)));
  }
  lines.push(
    '',
    'Every command takes --help (-h). `fuse help <command>` explains one command.',
    'Settings come from the environment and the .env files, as in Next.js: .env.$(NODE_ENV).local, .env.local,',
    '.env.$(NODE_ENV), .env (the first that sets a variable wins; the real environment wins over all of them).',
    'Every variable is listed in .env.example.',
  );
  return `${lines.join('\n')}\n`;
}

export function commandHelp(name: CommandName): string {
  const spec: CommandSpec = COMMANDS[name];
  const usage = [
    `fuse ${name}`,
    Object.keys(spec.options).length ? '[options]' : '',
    spec.positional ? (spec.positional.required ? spec.positional.name : `[${spec.positional.name}]`) : '',
  ]
    .filter(Boolean)
    .join(' ');
  const lines = [`usage: ${usage}`, '', spec.summary, ''];
  const options = optionLines(spec, '  ');
  lines.push(...(options.length ? ['options:', ...options] : ['options: none']), `  --help, -h  ${HELP_OPTION.description}`);
  if (spec.notes) lines.push('', ...spec.notes);
  return `${lines.join('\n')}\n`;
}

function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

function unknownCommand(name: string): UsageError {
  const guess = closest(name, Object.keys(COMMANDS));
  return new UsageError(`unknown command "${name}".${guess ? ` Did you mean "${guess}"?` : ''} ${HINT}`);
}

/** A parseArgs error, said in the command's terms. */
function usageFromParseError(command: CommandName, spec: CommandSpec, err: Error & { code?: string }): UsageError {
  const named = /'(-{1,2}[^'\s=]+)/.exec(err.message)?.[1];
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && named) {
    const names = [...Object.keys(spec.options), 'help'].map((o) => `--${o}`);
    const guess = closest(named, names);
    return new UsageError(
      `unknown option ${named} for "fuse ${command}".${guess ? ` Did you mean ${guess}?` : ''} Run \`npm run fuse -- help ${command}\` for its options.`,
    );
  }
  if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const extra = /'([^']*)'/.exec(err.message)?.[1] ?? '';
    const guess = isCommand(extra) ? null : closest(extra, Object.keys(COMMANDS));
    return new UsageError(
      `"fuse ${command}" takes no argument "${extra}".${guess ? ` Did you mean the command "${guess}"?` : ''} Run \`npm run fuse -- help ${command}\`.`,
    );
  }
  return new UsageError(`${err.message} (fuse ${command}). Run \`npm run fuse -- help ${command}\`.`);
}

/** Parses `fuse` arguments (after the script name). Throws UsageError on anything it does not know. */
export function parseCommandLine(argv: string[]): Parsed {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h') {
    if (first !== undefined && rest.length) throw new UsageError(`--help takes nothing after it. ${HINT}`);
    return { kind: 'help', text: generalHelp() };
  }
  if (first.startsWith('-')) throw new UsageError(`a command comes first, before any option (got ${first}). ${HINT}`);
  if (!isCommand(first)) throw unknownCommand(first);

  const spec: CommandSpec = COMMANDS[first];
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, option] of Object.entries(spec.options)) options[name] = { type: option.type, ...(option.short ? { short: option.short } : {}) };
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: rest, options, strict: true, allowPositionals: Boolean(spec.positional) }) as typeof parsed;
  } catch (err) {
    throw usageFromParseError(first, spec, err as Error & { code?: string });
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help', text: first === 'help' ? generalHelp() : commandHelp(first) };
  if (positionals.length > 1)
    throw new UsageError(`"fuse ${first}" takes one ${spec.positional!.name}, got ${positionals.length}: ${positionals.join(' ')}`);
  const positional = positionals[0];

  if (first === 'help') {
    if (positional === undefined) return { kind: 'help', text: generalHelp() };
    if (!isCommand(positional)) throw unknownCommand(positional);
    return { kind: 'help', text: positional === 'help' ? generalHelp() : commandHelp(positional) };
  }
  if (spec.positional?.required && positional === undefined) {
    throw new UsageError(`"fuse ${first}" needs ${spec.positional.name}: ${spec.positional.description}. Run \`npm run fuse -- help ${first}\`.`);
  }
  if (first === 'create-admiral' && !values.email) {
    throw new UsageError('"fuse create-admiral" needs --email you@example.com. Run `npm run fuse -- help create-admiral`.');
  }
  if (first === 'seed') {
    if ((values.scale !== undefined || values.force) && !values['scale-target']) {
      throw new UsageError('--scale and --force go with --scale-target. Run `npm run fuse -- help seed`.');
    }
    if (values.scale !== undefined) {
      const scale = Number(values.scale);
      if (!(Number.isFinite(scale) && scale > 0 && scale <= 1))
        throw new UsageError(`--scale must be a number above 0 and at most 1, got "${values.scale}".`);
    }
    if (values.demo && values['scale-target']) throw new UsageError('--demo and --scale-target load different data sets: choose one.');
  }
  return { kind: 'run', command: first, values, positional };
}
