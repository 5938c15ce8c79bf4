import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeNext } from '@/fuse/auth/next-path';

const ORIGIN = 'https://app.example';

/** What every answer must be: one leading `/`, and a path a browser resolves on this origin. */
function expectSameOriginPath(out: string) {
  expect(out.startsWith('/')).toBe(true);
  expect(out.startsWith('//')).toBe(false);
  expect(out.startsWith('/\\')).toBe(false);
  expect(new URL(out, ORIGIN).origin).toBe(ORIGIN);
  // Resolving the answer again changes nothing a browser would leave the site for.
  const again = new URL(out, ORIGIN);
  expect(`${again.pathname}${again.search}${again.hash}`.startsWith('//')).toBe(false);
}

/** Pieces that change how a path resolves: dot segments (plain and encoded), slashes, controls. */
const tricky = fc.constantFrom(
  '.',
  '..',
  '%2e',
  '%2E',
  '%2e%2e',
  '.%2e',
  '%2e.',
  '%2f',
  '%2F',
  '%5c',
  '%5C',
  '%09',
  '%00',
  '\\',
  '/',
  '//',
  '\t',
  '\n',
  '\r',
  '\u0000',
  '\u001f',
  '\u007f',
  ' ',
  '@',
  ':',
  '?',
  '#',
  'evil.example',
  'evil.example:443',
  'https:',
  'javascript:',
  '\u3002',
  '\uff0f',
  '\u2215',
  '\u00a0',
  'é',
  '\ud83d\ude00',
  'dashboard',
  'clients',
);
const segment = fc.oneof(
  { weight: 3, arbitrary: tricky },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 6 }) },
);
const separator = fc.constantFrom('/', '//', '\\', '/\\', '\\/', '/\t/', '/\n', '');
const generatedPath = fc
  .tuple(fc.constantFrom('/', '/', '/', '//', '/\\', '\\', ''), fc.array(fc.tuple(segment, separator), { maxLength: 8 }))
  .map(([start, parts]) => start + parts.map(([s, sep]) => s + sep).join(''));

describe('safeNext (where to go after signing in)', { timeout: 60_000 }, () => {
  it('keeps same-site paths with their query', () => {
    expect(safeNext('/dashboard/clients?status=lead')).toBe('/dashboard/clients?status=lead');
    expect(safeNext(['/dashboard/clients', '/x'])).toBe('/dashboard/clients');
    expect(safeNext('/dashboard/./clients/../finance#top')).toBe('/dashboard/finance#top');
    expect(safeNext(undefined)).toBe('/dashboard');
  });

  it('refuses every way of leaving the site', () => {
    for (const bad of [
      'https://evil.example',
      '//evil.example',
      '/\\evil.example',
      '/\t/evil.example',
      '/\n/evil.example',
      '\\/evil.example',
      'javascript:alert(1)',
      'evil',
      '',
    ]) {
      expect(safeNext(bad)).toBe('/dashboard');
    }
  });

  it('refuses paths whose dot segments resolve to a new leading // (the open redirect after sign-in)', () => {
    for (const bad of [
      '/.//evil.example',
      '/a/..//evil.example',
      '/%2e//evil.example',
      '/%2E%2e//evil.example',
      '/x/%2e%2e//evil.example',
      '/./\\evil.example',
      '/.//evil.example/path?q=1#h',
    ]) {
      const out = safeNext(bad);
      expectSameOriginPath(out);
      expect(out).toBe('/dashboard');
    }
  });

  it('never returns a path a browser resolves to another origin (generated paths)', () => {
    fc.assert(
      fc.property(generatedPath, (s) => expectSameOriginPath(safeNext(s))),
      { numRuns: 5000 },
    );
  });

  it('never returns a path a browser resolves to another origin (any text after a slash)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }).map((s) => `/${s}`),
        (s) => expectSameOriginPath(safeNext(s)),
      ),
      { numRuns: 2000 },
    );
  });
});
