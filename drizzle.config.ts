import { defineConfig } from 'drizzle-kit';
import { loadEnvFiles } from './src/cli/env';

// The same .env files as the app and the `fuse` command (Next.js precedence; the real environment wins).
loadEnvFiles(process.cwd(), undefined);

export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/fuse/**/schema.ts', './src/domains/*/schema.ts'],
  out: './drizzle',
  // Migrations need a session of their own: the direct URL when the app's goes through a pooler.
  dbCredentials: { url: process.env.DATABASE_DIRECT_URL || process.env.DATABASE_URL || 'postgres://127.0.0.1:5432/test' },
});
