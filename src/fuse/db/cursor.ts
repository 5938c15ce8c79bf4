import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ValidationError } from '@/fuse/http/errors';

/**
 * Opaque keyset cursors. A cursor names the last row a page showed and is bound (by HMAC) to the
 * list it came from: the business and the filters. A malformed, tampered or foreign cursor is a
 * validation error (400), never a database error.
 */
export type CursorContext = { businessId: string; filter: string };

const MAX_CURSOR_LENGTH = 256;

function bindingOf(ctx: CursorContext): string {
  return createHash('sha256').update(`${ctx.businessId}\u0000${ctx.filter}`).digest('base64url').slice(0, 16);
}

function mac(secret: Uint8Array, body: string): Buffer {
  return createHmac('sha256', secret).update(body).digest().subarray(0, 16);
}

export function encodeCursor(lastId: number, ctx: CursorContext, secret: Uint8Array): string {
  const body = Buffer.from(JSON.stringify({ v: 1, id: lastId, b: bindingOf(ctx) })).toString('base64url');
  return `${body}.${mac(secret, body).toString('base64url')}`;
}

export function decodeCursor(cursor: string, ctx: CursorContext, secret: Uint8Array): number {
  const invalid = () => new ValidationError({ cursor: 'This cursor is not valid for this list.' });
  if (cursor.length > MAX_CURSOR_LENGTH) throw invalid();
  const [body, signature, ...rest] = cursor.split('.');
  if (!body || !signature || rest.length > 0) throw invalid();
  // Compare the text, not the decoded bytes: base64url decoding ignores the last character's unused
  // bits and stray padding, so several spellings decode to the same MAC. A cursor has exactly one.
  const given = Buffer.from(signature, 'utf8');
  const expected = Buffer.from(mac(secret, body).toString('base64url'), 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const p = parsed as { v?: unknown; id?: unknown; b?: unknown };
  if (p.v !== 1 || typeof p.id !== 'number' || !Number.isSafeInteger(p.id) || p.id < 0) throw invalid();
  if (p.b !== bindingOf(ctx)) throw invalid();
  return p.id;
}
