import pino, { type Logger } from 'pino';
import pinoPretty from 'pino-pretty';
import { safeError } from './scrub';
import { processSingleton } from '@/fuse/singleton';

/**
 * One structured logger: JSON lines in production, readable lines in development. Secrets never
 * reach a log line: the paths below are redacted wherever they appear, and a logged error (`err`)
 * is reduced to its scrubbed name, message, stack, code and cause (never a query's parameters).
 */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'newPassword',
  '*.newPassword',
  'passwordHash',
  '*.passwordHash',
  'token',
  '*.token',
  'cookie',
  '*.cookie',
  'headers.cookie',
  'headers.authorization',
  'req.headers.cookie',
  'req.headers.authorization',
  'authorization',
  '*.authorization',
  'secret',
  '*.secret',
  'sessionToken',
  '*.sessionToken',
  'headers["set-cookie"]',
  'req.headers["set-cookie"]',
  'headers["x-metrics-token"]',
];

export function createLogger(options: { level?: string; pretty?: boolean; destination?: pino.DestinationStream } = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'warn' : 'info');
  const base: pino.LoggerOptions = {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: (err: unknown) => (err instanceof Error ? { type: err.name, ...safeError(err) } : err) },
    base: undefined,
    // "level":"warn" rather than pino's numbers, so log search needs no lookup table.
    formatters: { level: (label) => ({ level: label }) },
  };
  if (options.destination) return pino(base, options.destination);
  const pretty = options.pretty ?? process.env.NODE_ENV === 'development';
  if (pretty) {
    // pino-pretty in-process (not as a worker transport): bundlers cannot resolve transport targets.
    return pino(base, pinoPretty({ colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' }));
  }
  return pino(base);
}

export const logger: Logger = processSingleton('logger', createLogger);
