import { lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** Every entry under `dir` whose mode is not 0700 (directories) or 0600 (files). */
export function looseEntries(dir: string): string[] {
  const loose: string[] = [];
  const walk = (entry: string) => {
    const stat = lstatSync(entry);
    const mode = stat.mode & 0o777;
    if (stat.isDirectory()) {
      if (mode !== 0o700) loose.push(`${entry} ${mode.toString(8)}`);
      for (const name of readdirSync(entry)) walk(path.join(entry, name));
    } else if (stat.isFile() && mode !== 0o600) loose.push(`${entry} ${mode.toString(8)}`);
  };
  walk(dir);
  return loose;
}
