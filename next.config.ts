import type { NextConfig } from 'next';
import { staticAssetHeaders } from './src/fuse/security/headers';

// Static assets from a CDN in front of the app (build time). Validated with the rest in src/fuse/config.ts.
const cdnUrl = process.env.CDN_URL?.replace(/\/+$/, '') || undefined;

const nextConfig: NextConfig = {
  reactStrictMode: true,
  // Tests and parallel work build into their own directory so they never share one build.
  distDir: process.env.FUSE_DIST_DIR || '.next',
  poweredByHeader: false,
  // Served with `next start` everywhere (npm start, the container image, systemd): one way, with the
  // live stream's Node hook (src/fuse/live/node-transport.ts); no standalone output.
  assetPrefix: cdnUrl,
  // The page policy (src/fuse/http/page-policy.ts) sets security headers (with a per-request CSP
  // nonce) on every page; these cover what it never sees: static files, image optimisation, the app
  // icons, and the API (JSON never runs scripts; the handlers' wrapper adds the request id, the rate
  // limit's headers and HSTS).
  async headers() {
    const base = staticAssetHeaders();
    const hsts = { key: 'Strict-Transport-Security', value: 'max-age=63072000; includeSubDomains; preload' };
    const overHttps = [{ type: 'header' as const, key: 'x-forwarded-proto', value: 'https' }];
    const assets = ['/_next/static/:path*', '/_next/image', '/favicon.ico'].flatMap((source) => [
      { source, headers: base },
      { source, has: overHttps, headers: [hsts] },
    ]);
    // The API's HSTS is the wrapper's: it believes X-Forwarded-Proto only from a trusted proxy.
    return [...assets, { source: '/api/:path*', headers: base }];
  },
  // Native and WASM packages load from node_modules at run time instead of being bundled.
  serverExternalPackages: ['@electric-sql/pglite', '@electric-sql/pglite-socket', '@node-rs/argon2', 'pino', 'pino-pretty', 'pg'],
  images: {
    formats: ['image/avif', 'image/webp'],
    deviceSizes: [640, 750, 828, 1080, 1200, 1920],
  },
  compiler: {
    removeConsole: process.env.NODE_ENV === 'production' ? { exclude: ['error', 'warn'] } : false,
  },
  experimental: {
    optimizePackageImports: ['lucide-react'],
  },
};

export default nextConfig;
