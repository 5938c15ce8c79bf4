import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import { afterAll, describe, inject } from 'vitest';
import type { Database } from '../../src/fuse/db/client';
import { testPool } from './test-pool';

export type DatabaseKind = 'pglite' | 'postgres';

/**
 * Runs a suite once against the embedded PGlite and once against PostgreSQL (when the run has one;
 * CI always does). The suite gets a connected Drizzle database and its pool.
 */
export function describeEachDatabase(name: string, suite: (ctx: { kind: DatabaseKind; db: () => Database; pool: () => pg.Pool }) => void) {
  const targets: [DatabaseKind, string | null][] = [
    ['pglite', inject('pgliteUrl')],
    ['postgres', inject('postgresUrl')],
  ];
  for (const [kind, url] of targets) {
    if (!url) continue;
    describe(`${name} [${kind}]`, () => {
      const pool = testPool({ connectionString: url, max: kind === 'pglite' ? 1 : 5 });
      const db = drizzle({ client: pool }) as Database;
      afterAll(() => pool.end());
      suite({ kind, db: () => db, pool: () => pool });
    });
  }
}
