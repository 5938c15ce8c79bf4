import { describe, expect, it } from 'vitest';
import { themeFromCookie } from '@/fuse/session/cookie';

/** The theme cookie is set by anyone who can write a cookie: only an allowed name is read back. */
describe('themeFromCookie', () => {
  it('reads the three themes', () => {
    expect(themeFromCookie('light')).toBe('light');
    expect(themeFromCookie('dark')).toBe('dark');
    expect(themeFromCookie('system')).toBe('system');
  });

  it('falls back to "system" for anything else', () => {
    const hostile = [
      undefined,
      '',
      'DARK',
      ' dark',
      'dark ',
      'dark"><script>alert(1)</script>',
      'dark%22%3E%3Cscript%3E',
      'blue',
      'constructor',
      '__proto__',
      'toString',
      'd'.repeat(10_000),
      'dark\u0000',
    ];
    for (const value of hostile) expect(themeFromCookie(value), JSON.stringify(value)).toBe('system');
  });
});
