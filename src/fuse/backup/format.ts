import type { Readable } from 'node:stream';
import { z } from 'zod';

/**
 * The backup file: one gzip stream of lines.
 *
 *   FUSE-BACKUP 1
 *   #table {"name":"businesses","columns":["id","name",…]}
 *   <rows in PostgreSQL's COPY text format, one per line>
 *   \.
 *   #table …
 *   #manifest {"format":1,"createdAt":…,"schema":…,"tables":[{"name","columns","rows","sha256"}…]}
 *
 * COPY's text format escapes backslashes, tabs and newlines inside values, so a data line is never
 * `\.` and every row is exactly one line. The manifest comes last because counts and checksums are
 * known only once the rows are written; a file cut short therefore has no manifest and is refused.
 * Each table's SHA-256 covers exactly its data lines (each with its newline).
 */
export const BACKUP_MAGIC = 'FUSE-BACKUP 1';
export const BACKUP_FORMAT = 1;
export const TABLE_PREFIX = '#table ';
export const MANIFEST_PREFIX = '#manifest ';
export const END_OF_DATA = '\\.';

const schemaVersion = z.object({
  migration: z.string().nullable(),
  migratedAt: z.number().nullable(),
  applied: z.number().int().nonnegative(),
});

export const tableEntry = z.object({
  name: z.string().min(1),
  columns: z.array(z.string().min(1)).min(1),
  rows: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export const manifestSchema = z.object({
  format: z.number().int(),
  createdAt: z.string(),
  database: z.object({ kind: z.enum(['postgresql', 'pglite']), version: z.string() }),
  schema: schemaVersion,
  tables: z.array(tableEntry),
  totalRows: z.number().int().nonnegative(),
});

export type BackupManifest = z.infer<typeof manifestSchema>;
export type TableEntry = z.infer<typeof tableEntry>;

export const tableHeader = z.object({ name: z.string().min(1), columns: z.array(z.string().min(1)).min(1) });

/** A file that is not a valid FUSE backup, or not the one its manifest describes. Nothing was touched. */
export class BackupFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupFileError';
  }
}

/** A database that a verified backup must not be restored into (not empty, other schema version). */
export class RestoreRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreRefusedError';
  }
}

const NEWLINE = 0x0a;

/**
 * Splits a byte stream into lines (without their newline), yielding the complete lines of each chunk
 * together so the caller loops synchronously. `trailing` is set on the last batch when the stream
 * did not end with a newline.
 */
export async function* readLineBatches(input: Readable): AsyncGenerator<{ lines: Buffer[]; trailing: Buffer | null }> {
  let carry: Buffer | null = null;
  for await (const raw of input) {
    const chunk: Buffer = carry ? Buffer.concat([carry, raw as Buffer]) : (raw as Buffer);
    const lines: Buffer[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE, start); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      lines.push(chunk.subarray(start, nl));
      start = nl + 1;
    }
    carry = start < chunk.length ? Buffer.from(chunk.subarray(start)) : null;
    if (lines.length > 0) yield { lines, trailing: null };
  }
  if (carry) yield { lines: [], trailing: carry };
}

const ESCAPES: Record<number, number> = { 0x62: 0x08, 0x66: 0x0c, 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09, 0x76: 0x0b };

function unescapeField(field: Buffer): string {
  if (field.indexOf(0x5c) === -1) return field.toString('utf8');
  const out = Buffer.allocUnsafe(field.length);
  let o = 0;
  for (let i = 0; i < field.length; i++) {
    const c = field[i]!;
    if (c !== 0x5c || i + 1 >= field.length) {
      out[o++] = c;
      continue;
    }
    const n = field[++i]!;
    if (ESCAPES[n] !== undefined) out[o++] = ESCAPES[n]!;
    else if (n >= 0x30 && n <= 0x37) {
      // \ooo: one to three octal digits.
      let v = n - 0x30;
      for (let k = 0; k < 2 && i + 1 < field.length && field[i + 1]! >= 0x30 && field[i + 1]! <= 0x37; k++) v = v * 8 + (field[++i]! - 0x30);
      out[o++] = v & 0xff;
    } else if (n === 0x78 && i + 1 < field.length && /[0-9a-fA-F]/.test(String.fromCharCode(field[i + 1]!))) {
      // \xhh: one or two hex digits.
      let digits = String.fromCharCode(field[++i]!);
      if (i + 1 < field.length && /[0-9a-fA-F]/.test(String.fromCharCode(field[i + 1]!))) digits += String.fromCharCode(field[++i]!);
      out[o++] = parseInt(digits, 16);
    } else out[o++] = n;
  }
  return out.subarray(0, o).toString('utf8');
}

/**
 * Parses one line of COPY text format into its values (null for `\N`). Written by hand because the
 * format is small and fixed, and it is needed only where COPY FROM is unavailable (PGlite).
 */
export function parseCopyLine(line: Buffer): (string | null)[] {
  const values: (string | null)[] = [];
  let start = 0;
  for (;;) {
    const tab = line.indexOf(0x09, start);
    const field = line.subarray(start, tab === -1 ? line.length : tab);
    values.push(field.length === 2 && field[0] === 0x5c && field[1] === 0x4e ? null : unescapeField(field));
    if (tab === -1) return values;
    start = tab + 1;
  }
}
