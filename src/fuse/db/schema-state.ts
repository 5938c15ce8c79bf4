import type pg from 'pg';
import { codeSchemaVersion, databaseSchemaVersion, describeVersion, type SchemaVersion } from '@/fuse/backup/catalog';

/**
 * Whether the database has every migration this release ships (drizzle/). `npm start` migrates
 * before serving; a server started any other way (a container, systemd) checks at start and in its
 * readiness probe, and says what to run instead of failing on a missing table.
 */
export type SchemaState = { current: boolean; database: SchemaVersion; code: SchemaVersion };

export async function schemaState(client: pg.ClientBase | pg.Pool, migrationsFolder?: string): Promise<SchemaState> {
  const code = codeSchemaVersion(migrationsFolder);
  const database = await databaseSchemaVersion(client, migrationsFolder);
  // Without a migrations folder there is nothing to compare with; a newer database (a rollback) is not behind.
  const current = code.migratedAt === null || (database.migratedAt !== null && database.migratedAt >= code.migratedAt);
  return { current, database, code };
}

export function schemaBehindMessage(state: SchemaState): string {
  return (
    `the database schema is behind this release: it has ${describeVersion(state.database)}, this release needs ${state.code.migration} ` +
    `(${state.code.applied} migrations). Run \`npm run db:migrate\` (in the container image: \`node scripts/start.mjs migrate\`) ` +
    'against this database; the server reports ready once it is done.'
  );
}
