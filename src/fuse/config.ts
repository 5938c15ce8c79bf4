import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Cron } from 'croner';
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

function validCron(pattern: string): boolean {
  try {
    new Cron(pattern, { paused: true }).stop();
    return true;
  } catch {
    return false;
  }
}

const flag = z
  .string()
  .optional()
  .transform((v) => v === '1' || v === 'true');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z
    .string()
    .url()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  DATABASE_DIRECT_URL: z
    .string()
    .url()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  FUSE_EMBEDDED_DATABASE_URL: z.string().optional(),
  FUSE_DATA_DIR: z.string().default('.fuse'),
  FUSE_ALLOW_EMBEDDED: flag,
  SESSION_SECRET: z.string().optional(),
  SESSION_SECRET_PREVIOUS: z.string().optional(),
  SESSION_REFRESH_SECONDS: numberFrom(300),
  SESSION_LIFETIME_DAYS: numberFrom(30).pipe(
    z.number().positive('must be more than 0').max(400, 'must be at most 400 (browsers keep a cookie 400 days at most)'),
  ),
  REDIS_URL: z.string().optional(),
  RATE_LIMIT_MAX: numberFrom(100),
  RATE_LIMIT_WINDOW_SECONDS: numberFrom(10),
  TRUSTED_PROXIES: z.string().default(''),
  AUTH_RATE_LIMIT_MAX: numberFrom(10),
  AUTH_ACCOUNT_RATE_LIMIT_MAX: numberFrom(10),
  INVITE_RATE_LIMIT_MAX: numberFrom(20),
  ACCOUNT_MAIL_RATE_LIMIT_MAX: numberFrom(5),
  REDIS_PREFIX: z.string().default('fuse:'),
  REDIS_COMMAND_TIMEOUT_MS: numberFrom(250),
  CDN_URL: z
    .string()
    .url()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  SHUTDOWN_GRACE_SECONDS: numberFrom(25),
  SLOW_QUERY_MS: numberFrom(1000),
  DB_POOL_MAX: numberFrom(10),
  DB_QUERY_TIMEOUT_MS: numberFrom(5000).pipe(
    z.number().int('must be a whole number of milliseconds').min(100, 'must be at least 100 (milliseconds)'),
  ),
  HTTP_HEADERS_TIMEOUT_MS: numberFrom(10_000).pipe(
    z.number().int('must be a whole number of milliseconds').min(1000, 'must be at least 1000 (milliseconds)'),
  ),
  HTTP_REQUEST_TIMEOUT_MS: numberFrom(30_000).pipe(
    z.number().int('must be a whole number of milliseconds').min(1000, 'must be at least 1000 (milliseconds)'),
  ),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  BACKUP_DIR: z
    .string()
    .optional()
    .transform((v) => v || undefined),
  BACKUP_CRON: z
    .string()
    .optional()
    .transform((v) => v || '0 3 * * *')
    .refine(validCron, { message: 'must be a cron expression, e.g. "0 3 * * *" (daily at 03:00)' }),
  BACKUP_KEEP: numberFrom(14).pipe(z.number().int('must be a whole number').min(1, 'must be at least 1')),
  METRICS_TOKEN: z.string().optional(),
  SENTRY_DSN: z
    .string()
    .url()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  VITALS_SAMPLE_RATE: numberFrom(1).pipe(z.number().max(1, 'must be between 0 and 1')),
  BROWSER_ERRORS_SAMPLE_RATE: numberFrom(1).pipe(z.number().max(1, 'must be between 0 and 1')),
  VITALS_RETENTION_DAYS: numberFrom(30).pipe(z.number().int('must be a whole number').min(1, 'must be at least 1')),
  VITALS_MAX_ROWS: numberFrom(1_000_000).pipe(z.number().int('must be a whole number').min(1, 'must be at least 1')),
  ERRORS_RETENTION_DAYS: numberFrom(90).pipe(z.number().int('must be a whole number').min(1, 'must be at least 1')),
  ERRORS_MAX_GROUPS: numberFrom(10_000).pipe(z.number().int('must be a whole number').min(1, 'must be at least 1')),
  OUTBOX_RETENTION_DAYS: numberFrom(7),
  LIVE_HEARTBEAT_SECONDS: numberFrom(10),
  LIVE_MAX_REPLAY: numberFrom(1000),
  READ_CACHE_MAX_ENTRIES: numberFrom(2000),
  READ_CACHE_MAX_MB: numberFrom(32),
  LIVE_MAX_STREAMS_PER_USER: numberFrom(10).pipe(z.number().int('must be a whole number').min(1, 'must be at least 1')),
  LIVE_MAX_STREAM_SECONDS: numberFrom(1800).pipe(z.number().int('must be a whole number').min(10, 'must be at least 10')),
  CRON_SECRET: z
    .string()
    .optional()
    .transform((v) => v || undefined)
    .refine((v) => v === undefined || v.length >= 16, { message: 'must be at least 16 characters (for example `openssl rand -hex 32`)' }),
  SMTP_URL: z
    .string()
    .url()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  MAIL_FROM: z.string().default('FUSE <no-reply@fuse.local>'),
  FUSE_PUBLIC_URL: z
    .string()
    .url()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  STRIPE_SECRET_KEY: z
    .string()
    .optional()
    .transform((v) => v || undefined)
    .refine((v) => v === undefined || /^(sk|rk)_/.test(v), { message: 'must be a Stripe secret or restricted key (sk_… or rk_…)' }),
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .optional()
    .transform((v) => v || undefined)
    .refine((v) => v === undefined || v.startsWith('whsec_'), { message: 'must be a webhook signing secret (whsec_…)' }),
  STRIPE_PRICE_PRO: z
    .string()
    .optional()
    .transform((v) => v || undefined),
  STRIPE_PRICE_BUSINESS: z
    .string()
    .optional()
    .transform((v) => v || undefined),
  STRIPE_API_BASE: z
    .string()
    .url()
    .optional()
    .or(z.literal('').transform(() => undefined))
    .refine((v) => v === undefined || /^https?:\/\//i.test(v), { message: 'must be an http:// or https:// URL' }),
});

/** Where the Stripe client sends its requests: STRIPE_API_BASE split into the constructor's options. */
export type StripeApiBase = { host: string; port: number; protocol: 'http' | 'https' };

function stripeApiBase(raw: string | undefined): StripeApiBase | null {
  if (!raw) return null;
  const url = new URL(raw);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { host: url.hostname, port: url.port ? Number(url.port) : protocol === 'http' ? 80 : 443, protocol };
}

export type FuseConfig = {
  env: 'development' | 'production' | 'test';
  production: boolean;
  dataDir: string;
  /**
   * `url` is null only when neither DATABASE_URL nor the embedded database is available.
   * `directUrl`: a session of its own for LISTEN (DATABASE_DIRECT_URL when `url` goes through a
   * transaction pooler, else `url`). `queryTimeoutMs`: a query (or a wait for a connection) not
   * answered by then fails with a 503.
   */
  database: { url: string | null; directUrl: string | null; embedded: boolean; poolMax: number; queryTimeoutMs: number };
  /** `lifetimeSeconds`: the absolute end of a session from its sign-in; no refresh goes past it. */
  session: { secret: Uint8Array; previousSecret: Uint8Array | null; refreshSeconds: number; lifetimeSeconds: number };
  redisUrl: string | null;
  /** `accountMailMax`: account mails (reset, verification, email change) per address and per user an hour. */
  rateLimit: { max: number; windowSeconds: number; authMax: number; authAccountMax: number; inviteMax: number; accountMailMax: number };
  /** Prefix of every Redis key FUSE writes (several deployments or test runs can share a server). */
  redisPrefix: string;
  /** A rate-limit check Redis has not answered by then falls back (memory or closed). */
  redisCommandTimeoutMs: number;
  cdnUrl: string | null;
  shutdownGraceSeconds: number;
  /**
   * A client must send its request headers within `headersTimeoutMs` and the whole request (body
   * included) within `requestTimeoutMs`, or its connection is closed (src/fuse/http/server-timeouts.ts).
   * The answer is not bounded by them: a live stream stays open.
   */
  http: { headersTimeoutMs: number; requestTimeoutMs: number };
  trustedProxies: string[];
  slowQueryMs: number;
  logLevel: string;
  /** Scheduled backups (src/fuse/backup/scheduler.ts): off while `dir` is null. */
  backup: { dir: string | null; cron: string; keep: number };
  /** Bearer token for /api/metrics (admirals may read it with their session); null: session only. */
  metricsToken: string | null;
  sentryDsn: string | null;
  /** Share of page loads (0..1) whose web vitals are reported. */
  vitalsSampleRate: number;
  /** Share of browser error reports (0..1) that are stored and forwarded; the rest are only counted. */
  browserErrorsSampleRate: number;
  /** How long web_vitals rows and error_groups are kept, and how many at most (pruned hourly). */
  observabilityRetention: { vitalsDays: number; vitalsMaxRows: number; errorsDays: number; errorsMaxGroups: number };
  /**
   * Live changes: outbox retention, stream heartbeat, how far behind a stream may replay, and how
   * many streams one user may hold open on one instance.
   */
  live: { retentionDays: number; heartbeatSeconds: number; maxReplay: number; maxStreamsPerUser: number; maxStreamSeconds: number };
  /** The in-process cache of list answers keyed by the business's outbox position (src/fuse/http/read-cache.ts); 0 entries: off. */
  readCache: { maxEntries: number; maxBytes: number };
  /** Bearer secret of GET /api/cron/<job> (a host's scheduler, e.g. Vercel Cron); null: those routes are off. */
  cronSecret: string | null;
  /**
   * Outgoing mail (src/fuse/mail/mailer.ts): in production it needs `smtpUrl` and `publicUrl`; without
   * them invite links are shown to the captain and account mail is refused. Development without
   * `smtpUrl` keeps mail on /dev/mailbox.
   */
  mail: { smtpUrl: string | null; from: string };
  /** The app's public origin, for links in emails; null: the origin of the request. */
  publicUrl: string | null;
  /**
   * Stripe (src/domains/billing): without `secretKey` the local test provider serves checkout where
   * it is allowed (docs/billing.md). `prices`: the Stripe price id of each paid plan.
   */
  billing: {
    secretKey: string | null;
    webhookSecret: string | null;
    prices: { pro: string; business: string } | null;
    apiBase: StripeApiBase | null;
  };
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
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
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
      throw new ConfigError('SESSION_SECRET is required in production: set it to at least 32 random bytes (for example `openssl rand -base64 48`).');
    }
    secret = developmentSecret(dataDir);
  }
  if (Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES) {
    throw new ConfigError(`SESSION_SECRET is too short: it must be at least ${MIN_SECRET_BYTES} bytes (got ${Buffer.byteLength(secret, 'utf8')}).`);
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

  if (e.DATABASE_DIRECT_URL && !e.DATABASE_URL) {
    throw new ConfigError('DATABASE_DIRECT_URL is set but DATABASE_URL is not: set DATABASE_URL (the pooled URL the app queries through) too.');
  }

  if (e.STRIPE_SECRET_KEY && !(e.STRIPE_WEBHOOK_SECRET && e.STRIPE_PRICE_PRO && e.STRIPE_PRICE_BUSINESS)) {
    throw new ConfigError(
      'STRIPE_SECRET_KEY is set, so STRIPE_WEBHOOK_SECRET, STRIPE_PRICE_PRO and STRIPE_PRICE_BUSINESS are required too (the webhook signing secret and the price id of each paid plan).',
    );
  }
  if (e.STRIPE_PRICE_PRO && e.STRIPE_PRICE_PRO === e.STRIPE_PRICE_BUSINESS) {
    throw new ConfigError('STRIPE_PRICE_PRO and STRIPE_PRICE_BUSINESS are the same price: each plan needs its own.');
  }

  const encoder = new TextEncoder();
  return {
    env: e.NODE_ENV,
    production,
    dataDir,
    // PGlite serves one connection at a time, so the embedded pool holds exactly one.
    database: {
      url,
      directUrl: e.DATABASE_DIRECT_URL ?? url,
      embedded,
      poolMax: embedded ? 1 : Math.max(1, e.DB_POOL_MAX),
      queryTimeoutMs: e.DB_QUERY_TIMEOUT_MS,
    },
    session: {
      secret: encoder.encode(secret),
      previousSecret: previous ? encoder.encode(previous) : null,
      refreshSeconds: e.SESSION_REFRESH_SECONDS,
      lifetimeSeconds: Math.round(e.SESSION_LIFETIME_DAYS * 86_400),
    },
    redisUrl: e.REDIS_URL || null,
    rateLimit: {
      max: Math.max(1, Math.floor(e.RATE_LIMIT_MAX)),
      windowSeconds: Math.max(1, e.RATE_LIMIT_WINDOW_SECONDS),
      authMax: Math.max(1, Math.floor(e.AUTH_RATE_LIMIT_MAX)),
      authAccountMax: Math.max(1, Math.floor(e.AUTH_ACCOUNT_RATE_LIMIT_MAX)),
      inviteMax: Math.max(1, Math.floor(e.INVITE_RATE_LIMIT_MAX)),
      accountMailMax: Math.max(1, Math.floor(e.ACCOUNT_MAIL_RATE_LIMIT_MAX)),
    },
    redisPrefix: e.REDIS_PREFIX,
    redisCommandTimeoutMs: Math.max(10, e.REDIS_COMMAND_TIMEOUT_MS),
    cdnUrl: e.CDN_URL ?? null,
    shutdownGraceSeconds: e.SHUTDOWN_GRACE_SECONDS,
    http: {
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: Math.max(e.HTTP_HEADERS_TIMEOUT_MS, e.HTTP_REQUEST_TIMEOUT_MS),
    },
    trustedProxies: e.TRUSTED_PROXIES.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    slowQueryMs: e.SLOW_QUERY_MS,
    logLevel: e.LOG_LEVEL ?? (production ? 'info' : e.NODE_ENV === 'test' ? 'warn' : 'info'),
    backup: { dir: e.BACKUP_DIR ? path.resolve(e.BACKUP_DIR) : null, cron: e.BACKUP_CRON, keep: e.BACKUP_KEEP },
    metricsToken: e.METRICS_TOKEN || null,
    sentryDsn: e.SENTRY_DSN ?? null,
    vitalsSampleRate: e.VITALS_SAMPLE_RATE,
    browserErrorsSampleRate: e.BROWSER_ERRORS_SAMPLE_RATE,
    observabilityRetention: {
      vitalsDays: e.VITALS_RETENTION_DAYS,
      vitalsMaxRows: e.VITALS_MAX_ROWS,
      errorsDays: e.ERRORS_RETENTION_DAYS,
      errorsMaxGroups: e.ERRORS_MAX_GROUPS,
    },
    readCache: {
      maxEntries: Math.max(0, Math.floor(e.READ_CACHE_MAX_ENTRIES)),
      maxBytes: Math.max(0, Math.floor(e.READ_CACHE_MAX_MB * 1024 * 1024)),
    },
    live: {
      retentionDays: Math.max(1, e.OUTBOX_RETENTION_DAYS),
      // Proxies close idle connections; a heartbeat every 15 s at most keeps streams open.
      heartbeatSeconds: Math.min(15, Math.max(1, e.LIVE_HEARTBEAT_SECONDS)),
      maxReplay: Math.max(1, Math.floor(e.LIVE_MAX_REPLAY)),
      maxStreamsPerUser: e.LIVE_MAX_STREAMS_PER_USER,
      maxStreamSeconds: e.LIVE_MAX_STREAM_SECONDS,
    },
    cronSecret: e.CRON_SECRET ?? null,
    mail: { smtpUrl: e.SMTP_URL ?? null, from: e.MAIL_FROM },
    publicUrl: e.FUSE_PUBLIC_URL ? e.FUSE_PUBLIC_URL.replace(/\/+$/, '') : null,
    billing: {
      secretKey: e.STRIPE_SECRET_KEY ?? null,
      webhookSecret: e.STRIPE_WEBHOOK_SECRET ?? null,
      prices: e.STRIPE_PRICE_PRO && e.STRIPE_PRICE_BUSINESS ? { pro: e.STRIPE_PRICE_PRO, business: e.STRIPE_PRICE_BUSINESS } : null,
      apiBase: stripeApiBase(e.STRIPE_API_BASE),
    },
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
