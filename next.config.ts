import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  reactStrictMode: true,
  // Tests and parallel work build into their own directory so they never share one build.
  distDir: process.env.FUSE_DIST_DIR || '.next',
  poweredByHeader: false,
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
