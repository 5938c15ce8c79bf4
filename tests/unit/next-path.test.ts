import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeNext } from '@/fuse/auth/next-path';

describe('safeNext (where to go after signing in)', { timeout: 60_000 }, () => {
  it('keeps same-site paths with their query', () => {
    expect(safeNext('/dashboard/clients?status=lead')).toBe('/dashboard/clients?status=lead');
    expect(safeNext(['/dashboard/clients', '/x'])).toBe('/dashboard/clients');
    expect(safeNext(undefined)).toBe('/dashboard');
  });

  it('refuses every way of leaving the site', () => {
    for (const bad of ['https://evil.example', '//evil.example', '/\\evil.example', '/\t/evil.example', '/\n/evil.example', '\\/evil.example', 'javascript:alert(1)', 'evil', '']) {
      expect(safeNext(bad)).toBe('/dashboard');
    }
  });

  it('never returns a path a browser resolves to another origin', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii' }).map((s) => `/${s}`), (s) => {
        const out = safeNext(s);
        expect(new URL(out, 'https://fuse.example').origin).toBe('https://fuse.example');
        expect(out.startsWith('/') && !out.startsWith('//')).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
