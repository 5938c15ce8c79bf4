import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * Every environment variable FUSE reads, validated in one place. A bad value stops the process at
 * start with a message that names the variable, instead of failing later inside a request.
 * `.env.example` documents each of them.
 */
const numberFrom = (fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0) {
        ctx.addIssue({ code: 'custom', message: `must be a non-negative number, got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

const flag = z
  .string()
  .optional()
  .transform((v) => v === '1' || v === 'true');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z.string().url().optional().or(z.literal('').transform(() => undefined)),
  FUSE_EMBEDDED_DATABASE_URL: z.string().optional(),
  FUSE_DATA_DIR: z.string().default('.fuse'),
  FUSE_ALLOW_EMBEDDED: flag,
  SESSION_SECRET: z.string().optional(),
  SESSION_SECRET_PREVIOUS: z.string().optional(),
  SESSION_REFRESH_SECONDS: numberFrom(300),
  REDIS_URL: z.string().optional(),
  RATE_LIMIT_MAX: numberFrom(100),
  RATE_LIMIT_WINDOW_SECONDS: numberFrom(10),
  TRUSTED_PROXIES: z.string().default(''),
  SLOW_QUERY_MS: numberFrom(1000),
  DB_POOL_MAX: numberFrom(10),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
});

export type FuseConfig = {
  env: 'development' | 'production' | 'test';
  production: boolean;
  dataDir: string;
  /** `url` is null only when neither DATABASE_URL nor the embedded database is available. */
  database: { url: string | null; embedded: boolean; poolMax: number };
  session: { secret: Uint8Array; previousSecret: Uint8Array | null; refreshSeconds: number };
  redisUrl: string | null;
  rateLimit: { max: number; windowSeconds: number };
  trustedProxies: string[];
  slowQueryMs: number;
  logLevel: string;
};

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const MIN_SECRET_BYTES = 32;

function developmentSecret(dataDir: string): string {
  // Development keeps one generated secret under the data directory so sessions survive restarts.
  const file = path.join(dataDir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): FuseConfig {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid environment configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const dataDir = path.resolve(e.FUSE_DATA_DIR);

  let secret = e.SESSION_SECRET;
  if (!secret) {
    if (production) {
      throw new ConfigError(
        'SESSION_SECRET is required in production: set it to at least 32 random bytes (for example `openssl rand -base64 48`).',
      );
    }
    secret = developmentSecret(dataDir);
  }
  if (Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES) {
    throw new ConfigError(
      `SESSION_SECRET is too short: it must be at least ${MIN_SECRET_BYTES} bytes (got ${Buffer.byteLength(secret, 'utf8')}).`,
    );
  }
  const previous = e.SESSION_SECRET_PREVIOUS;
  if (previous && Buffer.byteLength(previous, 'utf8') < MIN_SECRET_BYTES) {
    throw new ConfigError(`SESSION_SECRET_PREVIOUS is too short: it must be at least ${MIN_SECRET_BYTES} bytes.`);
  }

  const embedded = !e.DATABASE_URL;
  const url = e.DATABASE_URL ?? e.FUSE_EMBEDDED_DATABASE_URL ?? null;
  if (embedded && production && !e.FUSE_ALLOW_EMBEDDED) {
    throw new ConfigError(
      'DATABASE_URL is required in production: the embedded database keeps its files on local disk. Set FUSE_ALLOW_EMBEDDED=1 to run a single-machine production server on it anyway.',
    );
  }

  const encoder = new TextEncoder();
  return {
    env: e.NODE_ENV,
    production,
    dataDir,
    // PGlite serves one connection at a time, so the embedded pool holds exactly one.
    database: { url, embedded, poolMax: embedded ? 1 : Math.max(1, e.DB_POOL_MAX) },
    session: {
      secret: encoder.encode(secret),
      previousSecret: previous ? encoder.encode(previous) : null,
      refreshSeconds: e.SESSION_REFRESH_SECONDS,
    },
    redisUrl: e.REDIS_URL || null,
    rateLimit: { max: e.RATE_LIMIT_MAX, windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS },
    trustedProxies: e.TRUSTED_PROXIES.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    slowQueryMs: e.SLOW_QUERY_MS,
    logLevel: e.LOG_LEVEL ?? (production ? 'info' : e.NODE_ENV === 'test' ? 'warn' : 'info'),
  };
}

export const MISSING_DATABASE_MESSAGE =
  'DATABASE_URL is not set and the embedded database is not running: set DATABASE_URL to a PostgreSQL server, or start FUSE with `npm start` / `npm run dev`, which run the embedded database.';

let cached: FuseConfig | undefined;

/** The process-wide configuration, validated on first use. */
export function config(): FuseConfig {
  cached ??= loadConfig();
  return cached;
}
