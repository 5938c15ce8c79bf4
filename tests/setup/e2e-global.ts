import type { TestProject } from 'vitest/node';
import { buildForTests, startAppServer, startSeededEmbeddedDatabase } from './app-server';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

/**
 * One production server for the browser and API tests: the test build, on the embedded database
 * (the default a new user runs) with the demo business loaded.
 */
export default async function setup(project: TestProject) {
  buildForTests();
  // Rate-limit budgets in a shared Redis are per run: servers started by any test file inherit this.
  process.env.REDIS_PREFIX ??= `fuse-test-${process.pid}-${Date.now().toString(36)}:`;
  const db = await startSeededEmbeddedDatabase();
  const server = await startAppServer({
    FUSE_EMBEDDED_DATABASE_URL: db.url,
    FUSE_ALLOW_EMBEDDED: '1',
    DATABASE_URL: '',
    // The suite sends many requests from one address; the rate-limit tests start their own servers.
    RATE_LIMIT_MAX: '100000',
    AUTH_RATE_LIMIT_MAX: '100000',
    AUTH_ACCOUNT_RATE_LIMIT_MAX: '100000',
    INVITE_RATE_LIMIT_MAX: '100000',
  });
  project.provide('baseUrl', server.url);
  return async () => {
    await server.stop();
    await db.stop();
  };
}
