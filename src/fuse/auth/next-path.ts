/**
 * Only same-site paths may be a destination after signing in (no open redirect). Kept out of the
 * client components so server pages can call it: a function exported from a 'use client' module is
 * a client reference on the server and throws when called there.
 */
export function safeNext(value: string | string[] | undefined): string {
  const next = Array.isArray(value) ? value[0] : value;
  if (!next || !next.startsWith('/')) return '/dashboard';
  // Resolve it the way a browser will (which drops tabs and newlines and reads `\` as `/`, so
  // "/\t/evil.example" means "//evil.example"): anything that leaves this origin is refused.
  const base = 'http://fuse.invalid';
  let url: URL;
  try {
    url = new URL(next, base);
  } catch {
    return '/dashboard';
  }
  if (url.origin !== base || /[\u0000-\u001f\u007f\\]/.test(next) || next.startsWith('//')) return '/dashboard';
  return `${url.pathname}${url.search}${url.hash}`;
}
