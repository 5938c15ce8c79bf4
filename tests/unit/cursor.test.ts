import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, type CursorContext } from '@/fuse/db/cursor';
import { ValidationError } from '@/fuse/http/errors';

const SECRET = new TextEncoder().encode('cursor-test-secret-0123456789-abcdefghijklmn');
const ctx: CursorContext = { businessId: randomUUID(), filter: 'active\u0000' };

/** Decoding must fail with a ValidationError naming the cursor field, never with anything else. */
function expectInvalid(cursor: string, context: CursorContext = ctx, secret: Uint8Array = SECRET) {
  let error: unknown;
  try {
    decodeCursor(cursor, context, secret);
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).fields).toHaveProperty('cursor');
}

describe('keyset cursor', () => {
  it('round-trips the last id', () => {
    for (const id of [0, 1, 42, 123_456_789, Number.MAX_SAFE_INTEGER]) {
      expect(decodeCursor(encodeCursor(id, ctx, SECRET), ctx, SECRET)).toBe(id);
    }
  });

  it('is opaque: no raw id or business id in the text', () => {
    const cursor = encodeCursor(987_654, ctx, SECRET);
    expect(cursor).not.toContain(ctx.businessId);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('rejects malformed cursors', () => {
    for (const bad of ['', '.', 'abc', 'a.b', 'a.b.c', '..', 'not a cursor', '%%%.%%%', 'x'.repeat(300), '\u0000.\u0000']) {
      expectInvalid(bad);
    }
  });

  it('rejects a cursor of another business', () => {
    const cursor = encodeCursor(10, ctx, SECRET);
    expectInvalid(cursor, { ...ctx, businessId: randomUUID() });
  });

  it('rejects a cursor of another filter', () => {
    const cursor = encodeCursor(10, ctx, SECRET);
    expectInvalid(cursor, { ...ctx, filter: 'lead\u0000' });
    expectInvalid(cursor, { ...ctx, filter: 'active\u0000smith' });
  });

  it('rejects a cursor signed with another secret', () => {
    const cursor = encodeCursor(10, ctx, new TextEncoder().encode('some-other-secret-0123456789-abcdefghijklmnop'));
    expectInvalid(cursor);
  });

  it('rejects a re-signed body with a changed id, a negative id or a non-integer id', () => {
    const [body, sig] = encodeCursor(10, ctx, SECRET).split('.');
    const parsed = JSON.parse(Buffer.from(body!, 'base64url').toString()) as Record<string, unknown>;
    for (const id of [11, -1, 1.5, '10', null]) {
      const forged = Buffer.from(JSON.stringify({ ...parsed, id })).toString('base64url');
      expectInvalid(`${forged}.${sig}`);
    }
  });

  it('accepts only the exact signature text (no second spelling of the same bytes)', () => {
    // base64url's last character carries unused bits: 16 spellings decode to the same 16 bytes.
    // A cursor has one spelling; any other is a changed cursor and is refused.
    const cursor = encodeCursor(10, ctx, SECRET);
    const [body, sig] = cursor.split('.') as [string, string];
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sameBytes = [...alphabet]
      .map((ch) => sig.slice(0, -1) + ch)
      .filter((s) => s !== sig && Buffer.from(s, 'base64url').equals(Buffer.from(sig, 'base64url')));
    expect(sameBytes.length).toBeGreaterThan(0);
    for (const s of sameBytes) expectInvalid(`${body}.${s}`);
    // Padding or a trailing dot is another spelling too.
    expectInvalid(`${cursor}=`);
    expectInvalid(`${cursor}.`);
  });

  describe('property tests (untrusted input)', { timeout: 60_000 }, () => {
    it('arbitrary strings are always a ValidationError, never another error', () => {
      fc.assert(
        fc.property(
          fc.oneof(fc.string(), fc.string({ unit: 'binary-ascii', maxLength: 400 }), fc.string({ unit: 'grapheme' }), fc.base64String()),
          (s) => expectInvalid(s),
        ),
        { numRuns: 1000 },
      );
    });

    it('arbitrary "body.signature" pairs are always a ValidationError', () => {
      const part = fc.oneof(fc.base64String(), fc.string({ unit: 'grapheme-ascii' }));
      fc.assert(
        fc.property(part, part, (a, b) => expectInvalid(`${a}.${b}`)),
        { numRuns: 500 },
      );
    });

    it('a cursor with any one character changed is a ValidationError', () => {
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ';
      fc.assert(
        fc.property(fc.nat({ max: 2 ** 40 }), fc.nat({ max: 1000 }), fc.constantFrom(...alphabet), (id, pos, ch) => {
          const cursor = encodeCursor(id, ctx, SECRET);
          const at = pos % cursor.length;
          fc.pre(cursor[at] !== ch);
          expectInvalid(cursor.slice(0, at) + ch + cursor.slice(at + 1));
        }),
        { numRuns: 1000 },
      );
    });

    it('any valid cursor used for another business or filter is a ValidationError', () => {
      fc.assert(
        fc.property(fc.nat(), fc.uuid({ version: 4 }), fc.string(), fc.string(), (id, other, f1, f2) => {
          fc.pre(f1 !== f2);
          const mine = { businessId: ctx.businessId, filter: f1 };
          const cursor = encodeCursor(id, mine, SECRET);
          expect(decodeCursor(cursor, mine, SECRET)).toBe(id);
          if (other !== ctx.businessId) expectInvalid(cursor, { ...mine, businessId: other });
          expectInvalid(cursor, { ...mine, filter: f2 });
        }),
        { numRuns: 300 },
      );
    });
  });
});
