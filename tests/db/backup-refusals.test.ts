import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupFileError, RestoreRefusedError } from '../../src/fuse/backup/format';
import { restoreBackup, verifyBackupFile } from '../../src/fuse/backup/restore-backup';
import { writeBackup } from '../../src/fuse/backup/write-backup';
import { freshDatabase, KINDS, seedForBackup, tableCounts, tempDir, type Fresh } from './backup-helpers';

/** Rewrites the decompressed text of a backup and compresses it again (a well-formed gzip of bad content). */
function rewrite(from: string, to: string, change: (text: string) => string): string {
  writeFileSync(to, gzipSync(Buffer.from(change(gunzipSync(readFileSync(from)).toString('utf8')))));
  return to;
}

for (const kind of KINDS) {
  describe(`restore refuses bad files and non-empty databases [${kind}]`, () => {
    let source: Fresh;
    let target: Fresh;
    const dir = tempDir();
    let good: string;
    const bad: Record<string, string> = {};

    beforeAll(async () => {
      source = await freshDatabase(kind);
      target = await freshDatabase(kind);
      await seedForBackup(source);
      good = (await writeBackup(source.client, path.join(dir, 'good.fuse.gz'))).file;
      const bytes = readFileSync(good);
      writeFileSync((bad.truncated = path.join(dir, 'truncated.gz')), bytes.subarray(0, Math.floor(bytes.length * 0.6)));
      const flipped = Buffer.from(bytes);
      flipped[Math.floor(bytes.length / 2)]! ^= 0xff;
      writeFileSync((bad.flipped = path.join(dir, 'flipped.gz')), flipped);
      writeFileSync((bad.notGzip = path.join(dir, 'plain.txt')), 'FUSE-BACKUP 1\n');
      // A changed value with a valid gzip: only the table checksum can tell.
      bad.tampered = rewrite(good, path.join(dir, 'tampered.gz'), (t) => t.replace('tricky@example.com', 'tricky@example.org'));
      bad.noManifest = rewrite(good, path.join(dir, 'no-manifest.gz'), (t) => t.slice(0, t.indexOf('#manifest ')));
      bad.format2 = rewrite(good, path.join(dir, 'format2.gz'), (t) => t.replace('FUSE-BACKUP 1', 'FUSE-BACKUP 2'));
      bad.extraRow = rewrite(good, path.join(dir, 'extra-row.gz'), (t) => t.replace('\n\\.\n', '\nextra\trow\n\\.\n'));
    }, 300_000);
    afterAll(async () => {
      await source?.stop();
      await target?.stop();
    });

    const cases: [string, RegExp][] = [
      ['truncated', /truncated|incomplete/],
      ['flipped', /corrupt|truncated/],
      ['notGzip', /not a gzip file/],
      ['tampered', /SHA-256 checksum/],
      ['noManifest', /ends before its manifest/],
      ['format2', /backup format 2/],
      ['extraRow', /rows but its manifest says|checksum/],
    ];
    for (const [name, message] of cases) {
      it(`refuses a ${name} file with a clear message and leaves the database unchanged`, async () => {
        await expect(verifyBackupFile(bad[name]!)).rejects.toThrow(message);
        await expect(restoreBackup(target.client, bad[name]!)).rejects.toBeInstanceOf(BackupFileError);
        const counts = await tableCounts(target.client);
        expect(Object.values(counts).every((n) => n === 0)).toBe(true);
      });
    }

    it('refuses a backup made at another schema version', async () => {
      const other = rewrite(good, path.join(dir, 'other-version.gz'), (t) => t.replace(/"migratedAt":\d+/, '"migratedAt":1234'));
      // The manifest still matches its tables, so the file itself verifies…
      await verifyBackupFile(other);
      // …but the target database is at another version.
      await expect(restoreBackup(target.client, other)).rejects.toThrow(/schema version/);
      await expect(restoreBackup(target.client, other)).rejects.toBeInstanceOf(RestoreRefusedError);
      expect(Object.values(await tableCounts(target.client)).every((n) => n === 0)).toBe(true);
    });

    it('refuses to restore into a database that has rows, and changes nothing there', async () => {
      const before = await tableCounts(source.client);
      await expect(restoreBackup(source.client, good)).rejects.toThrow(/not empty/);
      expect(await tableCounts(source.client)).toEqual(before);
    });

    it('still restores the intact file afterwards', async () => {
      const result = await restoreBackup(target.client, good);
      expect(await tableCounts(target.client)).toMatchObject(Object.fromEntries(result.manifest.tables.map((t) => [t.name, t.rows])));
    });
  });
}
