import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * FUSE's local data (the embedded database's files, its password, development secrets) is readable
 * by the user that runs FUSE only: directories 0700, files 0600. Applied on creation and again on
 * every start, so an install made before this rule (0755 / 0666) is fixed too.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates `dir` if missing and makes it and everything under it private. Symbolic links are left alone. */
export function makePrivate(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  restrict(dir);
}

function restrict(entry: string): void {
  const stat = lstatSync(entry);
  if (stat.isDirectory()) {
    if ((stat.mode & 0o777) !== PRIVATE_DIR_MODE) chmodSync(entry, PRIVATE_DIR_MODE);
    for (const name of readdirSync(entry)) restrict(path.join(entry, name));
  } else if (stat.isFile() && (stat.mode & 0o777) !== PRIVATE_FILE_MODE) {
    chmodSync(entry, PRIVATE_FILE_MODE);
  }
}

/** Writes a file only this user can read; an existing file is made private before it gets the content. */
export function writePrivateFile(file: string, content: string): void {
  if (existsSync(file)) chmodSync(file, PRIVATE_FILE_MODE);
  writeFileSync(file, content, { mode: PRIVATE_FILE_MODE });
}
