import type { TestProject } from 'vitest/node';
import { startTestDatabases } from './databases';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteUrl: string;
    postgresUrl: string | null;
  }
}

export default async function setup(project: TestProject) {
  const dbs = await startTestDatabases();
  project.provide('pgliteUrl', dbs.pglite);
  project.provide('postgresUrl', dbs.postgres);
  return dbs.stop;
}
