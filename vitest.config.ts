import path from 'node:path';
import { defineConfig } from 'vitest/config';

const alias = {
  '@': path.resolve(__dirname, 'src'),
  // `server-only` throws outside React's server build; tests import server modules directly.
  'server-only': path.resolve(__dirname, 'tests/setup/empty.ts'),
};

const env = {
  NODE_ENV: 'test' as const,
  SESSION_SECRET: 'test-session-secret-that-is-long-enough-0123456789',
  LOG_LEVEL: 'silent',
};

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias },
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node', env },
      },
      {
        resolve: { alias },
        test: {
          name: 'db',
          include: ['tests/db/**/*.test.ts'],
          environment: 'node',
          env,
          globalSetup: ['tests/setup/db-global.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // The shared embedded PGlite accepts one connection at a time: a second file's pool would be
          // refused (ECONNRESET) while another file holds it, so db files run one after another.
          fileParallelism: false,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          env,
          globalSetup: ['tests/setup/e2e-global.ts'],
          testTimeout: 120_000,
          hookTimeout: 600_000,
          // One production server serves every browser test; files run one at a time against it.
          fileParallelism: false,
        },
      },
    ],
  },
});
