const FALLBACK = '/dashboard';
const BASE = 'http://fuse.invalid';

/** A path that stays on this origin when a browser resolves it: one leading `/`, then no `/` or `\`. */
function isSameOriginPath(path: string): boolean {
  if (!path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\')) return false;
  try {
    return new URL(path, BASE).origin === BASE;
  } catch {
    return false;
  }
}

/**
 * Only same-site paths may be a destination after signing in (no open redirect). Kept out of the
 * client components so server pages can call it: a function exported from a 'use client' module is
 * a client reference on the server and throws when called there.
 */
export function safeNext(value: string | string[] | undefined): string {
  const next = Array.isArray(value) ? value[0] : value;
  // Refuse what a browser reads loosely (it drops tabs and newlines and reads `\` as `/`, so
  // "/\t/evil.example" means "//evil.example") before resolving anything.
  if (!next || !isSameOriginPath(next) || /[\u0000-\u001f\u007f\\]/.test(next)) return FALLBACK;
  const url = new URL(next, BASE);
  // The resolved path is what the browser is sent to, and resolving can make a new leading `//`
  // ("/.//evil.example", "/a/..//evil.example", "/%2e//evil.example"): check the result too.
  const resolved = `${url.pathname}${url.search}${url.hash}`;
  return isSameOriginPath(resolved) ? resolved : FALLBACK;
}
