/**
 * The `.env*` files, loaded the way Next.js loads them (its own `@next/env`), so every `fuse` command,
 * `drizzle-kit` and the app see the same settings. Precedence, first wins: the real environment,
 * `.env.$(mode).local`, `.env.local` (not in test), `.env.$(mode)`, `.env`.
 */
import * as nextEnvModule from '@next/env';

// A CommonJS bundle: Node's ESM loader offers it as `default`, drizzle-kit's CommonJS loader by name.
const nextEnv = ((nextEnvModule as { default?: typeof nextEnvModule }).default ?? nextEnvModule) as typeof nextEnvModule;

export type EnvMode = 'development' | 'production' | 'test';

/**
 * Which files a command reads: `start` serves a production build (`next start`), `dev` the
 * development server (`next dev`); every other command follows NODE_ENV, production unless it says
 * development (what `@next/env` does for a script outside Next). NODE_ENV=test always reads the test files.
 */
export function envMode(command: string | undefined, nodeEnv: string | undefined): EnvMode {
  if (nodeEnv === 'test') return 'test';
  if (command === 'dev') return 'development';
  if (command === 'start') return 'production';
  return nodeEnv === 'development' ? 'development' : 'production';
}

/**
 * Loads the env files of `dir` into process.env for `command`; returns the files read. NODE_ENV is
 * never taken from a file: it chooses which files are read (Next sets it before reading them too).
 */
export function loadEnvFiles(dir: string, command: string | undefined): string[] {
  const nodeEnv = process.env.NODE_ENV;
  const mode = envMode(command, nodeEnv);
  const quiet = { info: () => undefined, error: (...args: unknown[]) => console.error('fuse:', ...args) };
  // @next/env picks the files from NODE_ENV=test and its `dev` flag.
  const { loadedEnvFiles } = nextEnv.loadEnvConfig(dir, mode === 'development', quiet, true);
  const env = process.env as Record<string, string | undefined>;
  if (nodeEnv === undefined) delete env.NODE_ENV;
  else env.NODE_ENV = nodeEnv;
  return loadedEnvFiles.map((f) => f.path);
}
