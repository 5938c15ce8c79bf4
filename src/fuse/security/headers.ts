/**
 * The security headers of every FUSE response. The proxy sets them (with a fresh CSP nonce) on
 * everything it handles; `next.config.ts` sets the same static set on what the proxy never sees
 * (`/_next/static`, `/_next/image`, `favicon.ico`, and `/api/`, whose handlers add the
 * request id, the rate limit's headers and HSTS), so no response goes out without them.
 */

/** Headers that do not depend on the request, except HSTS which is only meaningful over HTTPS. */
export function staticSecurityHeaders(https: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    'X-DNS-Prefetch-Control': 'on',
    'X-Frame-Options': 'SAMEORIGIN',
    'X-Content-Type-Options': 'nosniff',
    // The seed's value. Modern browsers ignore it; CSP is what protects against XSS.
    'X-XSS-Protection': '1; mode=block',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
  if (https) headers['Strict-Transport-Security'] = 'max-age=63072000; includeSubDomains; preload';
  return headers;
}

export type CspOptions = {
  /** A per-request nonce for dynamically rendered pages. */
  nonce?: string;
  /** `'sha256-…'` sources for the inline scripts of a prerendered page (which cannot carry a nonce). */
  scriptHashes?: readonly string[];
  https?: boolean;
  /** Origin of the CDN serving `/_next/static` when `CDN_URL` is set. */
  assetOrigin?: string | null;
  /** Development needs `'unsafe-eval'` for React's debugging features and a websocket for HMR. */
  development?: boolean;
};

/**
 * The Content-Security-Policy. `script-src` never allows `'unsafe-inline'` or `'unsafe-eval'` in
 * production: Next's inline scripts carry the nonce (dynamic pages) or match a hash (prerendered pages).
 */
export function contentSecurityPolicy(options: CspOptions = {}): string {
  const asset = options.assetOrigin ? ` ${options.assetOrigin}` : '';
  const scriptSources = ["'self'" + asset];
  if (options.nonce) scriptSources.push(`'nonce-${options.nonce}'`);
  for (const hash of options.scriptHashes ?? []) scriptSources.push(`'${hash}'`);
  // No 'strict-dynamic': it would disable 'self', and the prerendered not-found page (which can answer
  // any URL under a nonce policy) loads its chunks without a nonce. Every chunk is same-origin (or CDN_URL).
  if (options.development) scriptSources.push("'unsafe-eval'");
  const directives = [
    "default-src 'self'",
    `script-src ${scriptSources.join(' ')}`,
    // Inline style attributes (React `style={…}`) cannot carry a nonce; styles cannot run code.
    `style-src 'self'${asset} 'unsafe-inline'`,
    `img-src 'self'${asset} blob: data:`,
    `font-src 'self'${asset}`,
    `connect-src 'self'${options.development ? ' ws: wss:' : ''}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
    "manifest-src 'self'",
    "worker-src 'self' blob:",
  ];
  if (options.https) directives.push('upgrade-insecure-requests');
  return directives.join('; ');
}

/** A 128-bit random nonce, base64: new for every request. */
export function createNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

/** What `next.config.ts` headers() sets on responses the proxy does not handle. */
export function staticAssetHeaders(): { key: string; value: string }[] {
  const headers = staticSecurityHeaders(false);
  return [
    ...Object.entries(headers).map(([key, value]) => ({ key, value })),
    // Static assets never render HTML, so a policy that allows nothing is the right one.
    { key: 'Content-Security-Policy', value: "default-src 'none'; frame-ancestors 'self'; base-uri 'self'; object-src 'none'" },
  ];
}
