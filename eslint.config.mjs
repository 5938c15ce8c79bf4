import { readdirSync } from 'node:fs';
import nextCoreWebVitals from 'eslint-config-next/core-web-vitals';
import nextTypescript from 'eslint-config-next/typescript';

/**
 * Imports flow one way: app → domains → fuse. Domains never import each other or the app. Every
 * folder of src/domains is a domain, so a new one is under these rules without being listed.
 */
export const DOMAINS = readdirSync(new URL('./src/domains', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

const config = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    ignores: [
      '.next/**',
      '.next-*/**',
      'bench/bare-next/.next/**',
      'node_modules/**',
      'bench/node_modules/**',
      // Scratch measurements kept out of git (.git/info/exclude), never committed.
      'bench/tmp/**',
      'drizzle/**',
      'next-env.d.ts',
      'coverage/**',
      'src/cli/templates/**',
    ],
  },
  {
    files: ['src/fuse/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@/domains/*', '@/app/*'], message: 'src/fuse knows no domain and no route.' }] }],
    },
  },
  ...DOMAINS.map((domain) => ({
    files: [`src/domains/${domain}/**/*.{ts,tsx}`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@/app/*'], message: 'Domains do not import routes.' },
            {
              group: DOMAINS.filter((d) => d !== domain).map((d) => `@/domains/${d}/*`),
              message: 'Domains never import each other; share through src/fuse.',
            },
          ],
        },
      ],
    },
  })),
  {
    files: ['src/app/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@/fuse/db/*', 'drizzle-orm', 'drizzle-orm/*', 'pg'], message: 'Routes stay thin: read data through a domain query.' },
          ],
        },
      ],
    },
  },
];

export default config;
