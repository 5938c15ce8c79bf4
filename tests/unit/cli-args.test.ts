import { spawnSync } from 'node:child_process';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closest, COMMANDS, commandHelp, generalHelp, parseCommandLine, UsageError, type CommandName } from '@/cli/args';

/**
 * The `fuse` command line (src/cli/args.ts): every command and option is in the help, which exits
 * 0; anything unknown is a UsageError (exit 2) with a hint, never silently ignored.
 */
const ROOT = path.resolve(__dirname, '../..');
const NAMES = Object.keys(COMMANDS) as CommandName[];

function usageError(argv: string[]): UsageError {
  try {
    parseCommandLine(argv);
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error(`no UsageError for ${JSON.stringify(argv)}`);
}

/** `node scripts/start.mjs …` as a user runs it (npm run fuse -- …), with no .env file involved. */
function fuse(args: string[]) {
  const result = spawnSync(process.execPath, ['scripts/start.mjs', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'test' },
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('fuse --help', () => {
  it('lists every command with every one of its options', () => {
    const help = generalHelp();
    for (const [name, spec] of Object.entries(COMMANDS)) {
      expect(help).toMatch(new RegExp(`^  ${name} `, 'm'));
      for (const option of Object.keys(spec.options)) expect(help, `${name} --${option}`).toContain(`--${option}`);
    }
  });

  it('--help, -h, no argument and `help` all print it', () => {
    for (const argv of [[], ['--help'], ['-h'], ['help'], ['help', '--help']]) {
      expect(parseCommandLine(argv), JSON.stringify(argv)).toEqual({ kind: 'help', text: generalHelp() });
    }
  });

  it('`fuse help <command>`, `fuse <command> --help` and `-h` print that command’s help with each of its options', () => {
    for (const name of NAMES) {
      if (name === 'help') continue;
      const text = commandHelp(name);
      for (const option of Object.keys(COMMANDS[name].options)) expect(text).toContain(`--${option}`);
      expect(text).toContain(`usage: fuse ${name}`);
      for (const argv of [
        ['help', name],
        [name, '--help'],
        [name, '-h'],
      ])
        expect(parseCommandLine(argv)).toEqual({ kind: 'help', text });
    }
  });

  it('a real run: --help, help <command> and <command> --help exit 0; an unknown command or option exits 2 with a hint', () => {
    const all = fuse(['--help']);
    expect(all.code, all.err).toBe(0);
    for (const name of NAMES) expect(all.out).toContain(name);
    expect(fuse(['help', 'create-admiral'])).toMatchObject({ code: 0, out: expect.stringContaining('--email EMAIL') });
    expect(fuse(['backup', '--help'])).toMatchObject({ code: 0, out: expect.stringContaining('--out FILE') });

    const typo = fuse(['strat']);
    expect(typo.code).toBe(2);
    expect(typo.err).toMatch(/unknown command "strat"\. Did you mean "start"\?/);
    expect(typo.err).toMatch(/--help/);
    const option = fuse(['start', '--dmo']);
    expect(option.code).toBe(2);
    expect(option.err).toMatch(/unknown option --dmo for "fuse start"\. Did you mean --demo\?/);
  }, 60_000);
});

describe('what the command line refuses', () => {
  it('an unknown command: exit code 2, "did you mean" when close, the help hint always', () => {
    expect(usageError(['strat']).message).toMatch(/Did you mean "start"/);
    expect(usageError(['migarte']).message).toMatch(/Did you mean "migrate"/);
    expect(usageError(['sed']).message).toMatch(/Did you mean "seed"/);
    expect(usageError(['backups']).message).toMatch(/Did you mean "backup"/);
    const far = usageError(['deploy-everything']);
    expect(far.exitCode).toBe(2);
    expect(far.message).not.toMatch(/Did you mean/);
    expect(far.message).toMatch(/npm run fuse -- --help/);
    expect(usageError(['help', 'strat']).message).toMatch(/Did you mean "start"/);
  });

  it('an unknown or misused option of a command', () => {
    expect(usageError(['start', '--dmo']).message).toMatch(/Did you mean --demo/);
    expect(usageError(['backup', '--output', 'x']).message).toMatch(/Did you mean --out\?/);
    expect(usageError(['migrate', '--demo']).message).toMatch(/unknown option --demo for "fuse migrate"/);
    expect(usageError(['backup', '--out']).message).toMatch(/argument missing/);
    expect(usageError(['start', '--demo=yes']).message).toMatch(/does not take an argument/);
    expect(usageError(['start', 'now']).message).toMatch(/takes no argument "now"/);
    expect(usageError(['--demo']).message).toMatch(/a command comes first/);
  });

  it('create-admiral needs --email and never takes a password on the command line', () => {
    expect(usageError(['create-admiral']).message).toMatch(/needs --email/);
    expect(usageError(['create-admiral', '--email', 'a@b.co', '--password', 'hunter2-hunter2']).message).toMatch(/unknown option --password/);
    expect(parseCommandLine(['create-admiral', '--email', 'a@b.co', '--name', 'Ada'])).toMatchObject({
      kind: 'run',
      command: 'create-admiral',
      values: { email: 'a@b.co', name: 'Ada' },
    });
  });

  it('restore needs exactly one FILE; seed checks --scale', () => {
    expect(usageError(['restore']).message).toMatch(/needs FILE/);
    expect(usageError(['restore', 'a', 'b']).message).toMatch(/takes one FILE/);
    expect(parseCommandLine(['restore', 'backups/x.fuse.gz'])).toMatchObject({ kind: 'run', command: 'restore', positional: 'backups/x.fuse.gz' });
    for (const scale of ['0', '2', 'abc', '-1', 'NaN', 'Infinity'])
      expect(usageError(['seed', '--scale-target', '--scale', scale]).message).toMatch(/--scale/);
    expect(usageError(['seed', '--scale', '0.1']).message).toMatch(/go with --scale-target/);
    expect(usageError(['seed', '--demo', '--scale-target']).message).toMatch(/choose one/);
    expect(parseCommandLine(['seed', '--scale-target', '--scale', '0.01', '--force'])).toMatchObject({
      kind: 'run',
      values: { 'scale-target': true, scale: '0.01', force: true },
    });
  });

  it('hostile argument lists: parsed or refused with a UsageError, nothing else; an unknown option never passes', () => {
    const token = fc.oneof(
      fc.constantFrom(
        ...NAMES,
        '--help',
        '-h',
        '--demo',
        '--out',
        '--email',
        '--scale',
        '--scale-target',
        '--force',
        '--name',
        '--',
        '-',
        '--__proto__',
        'constructor',
        '__proto__',
      ),
      fc.string({ maxLength: 12 }),
      fc.string({ maxLength: 10 }).map((s) => `--${s}`),
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 6 }), (argv) => {
        let parsed;
        try {
          parsed = parseCommandLine(argv);
        } catch (err) {
          expect(err).toBeInstanceOf(UsageError);
          return;
        }
        if (parsed.kind === 'help') return;
        const known = new Set(['help', ...Object.keys(COMMANDS[parsed.command].options)]);
        for (const key of Object.keys(parsed.values)) expect(known.has(key), key).toBe(true);
        expect(NAMES).toContain(parsed.command);
      }),
      { numRuns: 2_000 },
    );
  });

  it('"did you mean" only suggests names that exist', () => {
    expect(closest('strat', ['start', 'seed'])).toBe('start');
    expect(closest('zzzzzz', ['start', 'seed'])).toBeNull();
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (input) => {
        const guess = closest(input, NAMES);
        expect(guess === null || NAMES.includes(guess as CommandName)).toBe(true);
      }),
    );
  });
});
