import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { can } from '@/fuse/auth/permissions';
import { describe, expect, it } from 'vitest';
import { DOMAINS } from '@/app/dashboard/domains';
import { dashboardNav } from '@/app/dashboard/navigation';
import { RANKS, type Rank } from '@/fuse/auth/schema-types';
// @ts-expect-error: the lint config is plain JavaScript without type declarations.
import lintConfig, { DOMAINS as LINT_DOMAINS } from '../../eslint.config.mjs';

const root = path.resolve(__dirname, '../../src/domains');
const folders = readdirSync(root, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

type RuleBlock = { files?: string[]; rules?: Record<string, [string, { patterns: { group: string[] }[] }]> };

describe('domains are declared once', () => {
  it("the lint config's domain list is the folders of src/domains", () => {
    expect(folders.length).toBeGreaterThan(0);
    expect(LINT_DOMAINS).toEqual(folders);
  });

  it('every domain folder is under the import rules: it may import no other domain', () => {
    for (const domain of folders) {
      const block = (lintConfig as RuleBlock[]).find((b) => b.files?.includes(`src/domains/${domain}/**/*.{ts,tsx}`));
      const groups = block?.rules?.['no-restricted-imports']?.[1].patterns.flatMap((p) => p.group) ?? [];
      expect(groups.sort(), domain).toEqual(['@/app/*', ...folders.filter((d) => d !== domain).map((d) => `@/domains/${d}/*`)].sort());
    }
  });

  it('every domain folder has a manifest named after it, and the dashboard reads them all', () => {
    for (const domain of folders) expect(existsSync(path.join(root, domain, 'manifest.ts')), domain).toBe(true);
    expect(DOMAINS.map((d) => d.name).sort()).toEqual(folders);
  });

  it('the sidebar comes from the manifests: each rank sees exactly the domains shown to it, with their preload', () => {
    for (const rank of RANKS) {
      const nav = dashboardNav(rank);
      const shown = DOMAINS.filter((d) => d.navigation && can(rank, d.shownTo));
      expect(nav.map((i) => i.href)).toEqual(['/dashboard', ...shown.map((d) => d.navigation!.href)]);
      for (const d of shown) {
        const item = nav.find((i) => i.href === d.navigation!.href)!;
        expect(item.preload).toEqual(d.preload ? { key: d.name, href: d.navigation!.href, url: d.preload.url } : undefined);
      }
    }
    // The rules as they stand: crew gets no team page; only the admiral gets the admin page (a domain
    // added with `fuse new-domain` brings its own entry, left out here).
    const BUILT_IN = ['Overview', 'Clients', 'Finance', 'Team', 'Settings', 'Admin'];
    const builtIn = (rank: Rank) =>
      dashboardNav(rank)
        .map((i) => i.label)
        .filter((label) => BUILT_IN.includes(label));
    expect(builtIn('crew')).toEqual(['Overview', 'Clients', 'Finance', 'Settings']);
    expect(builtIn('captain')).toEqual(['Overview', 'Clients', 'Finance', 'Team', 'Settings']);
    expect(builtIn('admiral')).toEqual(['Overview', 'Clients', 'Finance', 'Team', 'Settings', 'Admin']);
  });
});
