import { createHash } from 'node:crypto';

/**
 * Error text leaves the process (errors table, Sentry) only after this: values that follow a
 * secret-looking key, bearer tokens and JWTs (session cookies are JWTs) are replaced.
 */
const KEYED_SECRET =
  /\b(password|passwd|pwd|secret|token|authorization|cookie|api[_-]?key|session)(\\?["']?\s*[:=]\s*)(\\?"[^"\\]*\\?"|'[^']*'|[^\s,;&}]+)/gi;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g;
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+/g;

// A failed query's message ends with its parameters (drizzle: "Failed query: …\nparams: a@b.c,$argon2id…"),
// up to the stack's first frame.
const QUERY_PARAMS = /\nparams: [\s\S]*?(?=\n\s+at |$)/g;

export function scrubText(text: string): string {
  return text
    .replace(QUERY_PARAMS, '\nparams: [redacted]')
    .replace(JWT, '[redacted-token]')
    .replace(BEARER, '$1 [redacted]')
    .replace(KEYED_SECRET, '$1$2[redacted]')
    .replaceAll('\u0000', '');
}

export type SafeError = { name: string; message: string; stack?: string; code?: string; cause?: SafeError };

/**
 * The part of an error that may be logged or captured. A database error carries the statement's
 * parameters (emails, password hashes, any text a user sent) in `params`, in its message and in the
 * driver's `detail` ("Key (email)=(…) already exists"): only the statement, the message without the
 * parameters, the SQLSTATE code and the cause's message (the same way) are kept.
 */
export function safeError(err: unknown, depth = 0): SafeError {
  if (!(err instanceof Error)) return { name: 'Error', message: scrubText(String(err)) };
  const e = err as Error & { query?: unknown; params?: unknown; code?: unknown };
  let message = e.message;
  let stack = e.stack;
  if (typeof e.query === 'string' && 'params' in e) {
    message = `Failed query: ${e.query}`;
    if (stack) stack = stack.replace(e.message, () => message);
  }
  const out: SafeError = { name: e.name, message: scrubText(message) };
  if (stack) out.stack = scrubText(stack);
  if (typeof e.code === 'string') out.code = e.code;
  if (e.cause !== undefined && depth < 3) out.cause = safeError(e.cause, depth + 1);
  return out;
}

export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Numbers, ids and quoted values vary between occurrences of one error; the fingerprint ignores them. */
function normalizeMessage(message: string): string {
  return message
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>')
    .replace(/"[^"]*"|'[^']*'/g, '<str>')
    .replace(/\b0x[0-9a-f]+\b|\b\d+(\.\d+)?\b/gi, '<n>')
    .trim()
    .slice(0, 300);
}

/** The first stack frame, without line and column numbers (they move with every build). */
function topFrame(stack: string | null | undefined): string {
  const frame = stack?.split('\n').find((l) => /^\s*at\s|@/.test(l));
  if (!frame) return '';
  return frame
    .trim()
    .replace(/\?[^\s):]*/g, '')
    .replace(/:\d+(:\d+)?/g, '')
    .replace(/[0-9a-f]{8,}/gi, '<hash>');
}

/** Groups occurrences of the same error: source, error name, normalized message and top frame. */
export function fingerprintOf(input: { source: string; name: string; message: string; stack?: string | null }): string {
  const key = [input.source, input.name, normalizeMessage(input.message), topFrame(input.stack)].join('|');
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}
