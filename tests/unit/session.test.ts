import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { RANKS } from '@/fuse/auth/schema-types';
import { ConfigError, loadConfig } from '@/fuse/config';
import { mintSessionToken, SESSION_AUDIENCE, SESSION_TTL_SECONDS, verifySessionToken, type SessionGrant } from '@/fuse/session/token';

const enc = new TextEncoder();
const SECRET = enc.encode('unit-test-session-secret-0123456789-abcdefghij');
const OTHER = enc.encode('another-session-secret-0123456789-abcdefghijkl');

const input: SessionGrant = {
  userId: randomUUID(),
  sessionId: randomUUID(),
  // Further off than a token's lifetime: these tests are about the token, not the session's end.
  sessionExpiresAt: Math.floor(Date.now() / 1000) + 3 * SESSION_TTL_SECONDS,
  businessId: randomUUID(),
  rank: 'captain',
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  theme: 'dark',
  sessionVersion: 3,
};

const b64url = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

function claimsOf(i: SessionGrant, now = Math.floor(Date.now() / 1000)) {
  return {
    sub: i.userId,
    aud: SESSION_AUDIENCE,
    sid: i.sessionId,
    sxp: i.sessionExpiresAt,
    bid: i.businessId,
    rank: i.rank,
    name: i.name,
    email: i.email,
    theme: i.theme,
    sv: i.sessionVersion,
    iat: now,
    exp: now + 3600,
  };
}

describe('session token', () => {
  it('round-trips every claim', async () => {
    const token = await mintSessionToken(input, SECRET);
    const session = await verifySessionToken(token, [SECRET]);
    expect(session).toMatchObject(input);
    expect(session!.expiresAt - session!.issuedAt).toBe(SESSION_TTL_SECONDS);
    // The header is pinned to HS256.
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { alg: string };
    expect(header.alg).toBe('HS256');
  });

  it('rejects a token signed with another key', async () => {
    const token = await mintSessionToken(input, OTHER);
    expect(await verifySessionToken(token, [SECRET])).toBeNull();
  });

  it('rejects a tampered payload (rank raised, signature kept)', async () => {
    const token = await mintSessionToken({ ...input, rank: 'crew' }, SECRET);
    const [h, p, s] = token.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    payload.rank = 'admiral';
    expect(await verifySessionToken(`${h}.${b64url(payload)}.${s}`, [SECRET])).toBeNull();
    // Another business id under the original signature is refused too.
    payload.rank = 'crew';
    payload.bid = randomUUID();
    expect(await verifySessionToken(`${h}.${b64url(payload)}.${s}`, [SECRET])).toBeNull();
  });

  it('rejects alg "none" (unsigned) tokens', async () => {
    const claims = claimsOf(input);
    const unsigned = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;
    expect(await verifySessionToken(unsigned, [SECRET])).toBeNull();
    // Also with the real signature glued on, and with a lower-case / mixed-case "None".
    const real = await mintSessionToken(input, SECRET);
    expect(await verifySessionToken(`${b64url({ alg: 'none' })}.${b64url(claims)}.${real.split('.')[2]}`, [SECRET])).toBeNull();
    expect(await verifySessionToken(`${b64url({ alg: 'None' })}.${b64url(claims)}.`, [SECRET])).toBeNull();
  });

  it('rejects an HS512 token signed with the right secret', async () => {
    const token = await new SignJWT(claimsOf(input)).setProtectedHeader({ alg: 'HS512' }).sign(SECRET);
    expect(await verifySessionToken(token, [SECRET])).toBeNull();
  });

  it('rejects an HS384 token and an HS256 header over an HS512 signature', async () => {
    const hs384 = await new SignJWT(claimsOf(input)).setProtectedHeader({ alg: 'HS384' }).sign(SECRET);
    expect(await verifySessionToken(hs384, [SECRET])).toBeNull();
    const hs512 = await new SignJWT(claimsOf(input)).setProtectedHeader({ alg: 'HS512' }).sign(SECRET);
    const [, p, s] = hs512.split('.');
    expect(await verifySessionToken(`${b64url({ alg: 'HS256', typ: 'JWT' })}.${p}.${s}`, [SECRET])).toBeNull();
  });

  it('rejects an expired token', async () => {
    const issued = Date.now() - 2 * SESSION_TTL_SECONDS * 1000;
    const token = await mintSessionToken(input, SECRET, { now: issued });
    expect(await verifySessionToken(token, [SECRET])).toBeNull();
    // A token minted a second ago with a 1 s lifetime is past its exp a few seconds later.
    const short = await mintSessionToken(input, SECRET, { ttlSeconds: 1 });
    expect(await verifySessionToken(short, [SECRET], { now: Date.now() + 5_000 })).toBeNull();
    // Still valid just before its exp.
    const fresh = await mintSessionToken(input, SECRET, { now: Date.now() });
    expect(await verifySessionToken(fresh, [SECRET], { now: Date.now() + (SESSION_TTL_SECONDS - 60) * 1000 })).not.toBeNull();
  });

  it('carries the session audience and refuses a token signed for another one', async () => {
    const token = await mintSessionToken(input, SECRET);
    expect(JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString())).toMatchObject({ aud: SESSION_AUDIENCE, sid: input.sessionId });
    for (const aud of ['fuse:invite', 'other', ['other'], '']) {
      const other = await new SignJWT({ ...claimsOf(input), aud }).setProtectedHeader({ alg: 'HS256' }).sign(SECRET);
      expect(await verifySessionToken(other, [SECRET])).toBeNull();
    }
  });

  it("never outlives its session's absolute end, whatever its own lifetime", async () => {
    const now = Date.now();
    const end = Math.floor(now / 1000) + 3600;
    const token = await mintSessionToken({ ...input, sessionExpiresAt: end }, SECRET, { now });
    const session = await verifySessionToken(token, [SECRET], { now });
    expect(session).toMatchObject({ sessionId: input.sessionId, sessionExpiresAt: end, expiresAt: end });
    expect(await verifySessionToken(token, [SECRET], { now: now + 3599_000 })).not.toBeNull();
    expect(await verifySessionToken(token, [SECRET], { now: now + 3601_000 })).toBeNull();
    // A hand-made token whose exp passes its sxp is refused even though it is signed.
    const stretched = await new SignJWT({ ...claimsOf(input), sxp: end, exp: end + 86_400 }).setProtectedHeader({ alg: 'HS256' }).sign(SECRET);
    expect(await verifySessionToken(stretched, [SECRET])).toBeNull();
  });

  it('rejects a token without exp', async () => {
    const noExp: Record<string, unknown> = claimsOf(input);
    delete noExp.exp;
    const token = await new SignJWT(noExp).setProtectedHeader({ alg: 'HS256' }).sign(SECRET);
    expect(await verifySessionToken(token, [SECRET])).toBeNull();
  });

  it.each(['sub', 'sid', 'sxp', 'aud', 'bid', 'rank', 'name', 'email', 'theme', 'sv', 'iat'] as const)(
    'rejects a token without %s',
    async (claim) => {
      const claims: Record<string, unknown> = claimsOf(input);
      delete claims[claim];
      const token = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(SECRET);
      expect(await verifySessionToken(token, [SECRET])).toBeNull();
    },
  );

  it('rejects badly shaped claims (unknown rank, non-uuid business or session, negative version)', async () => {
    const shapes: Record<string, unknown>[] = [
      { rank: 'pirate' },
      { bid: 'not-a-uuid' },
      { sid: 'not-a-uuid' },
      { sxp: 'later' },
      { sv: -1 },
      { sub: 42 },
      { theme: 'neon' },
    ];
    for (const bad of shapes) {
      const token = await new SignJWT({ ...claimsOf(input), ...bad }).setProtectedHeader({ alg: 'HS256' }).sign(SECRET);
      expect(await verifySessionToken(token, [SECRET])).toBeNull();
    }
  });

  it('rejects empty, missing and oversized tokens', async () => {
    expect(await verifySessionToken(undefined, [SECRET])).toBeNull();
    expect(await verifySessionToken(null, [SECRET])).toBeNull();
    expect(await verifySessionToken('', [SECRET])).toBeNull();
    const huge = await mintSessionToken({ ...input, name: 'x'.repeat(5000) }, SECRET);
    expect(await verifySessionToken(huge, [SECRET])).toBeNull();
  });

  it('verifies the compact form itself: header, signature and payload each checked', async () => {
    const sign = (header: unknown, payload: unknown, secret = SECRET) => {
      const signingInput = `${b64url(header)}.${b64url(payload)}`;
      return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
    };
    const claims = claimsOf(input);
    // Accepted as jose accepts them: header keys in any order, no typ, an audience list.
    expect(await verifySessionToken(sign({ typ: 'JWT', alg: 'HS256' }, claims), [SECRET])).toMatchObject(input);
    expect(await verifySessionToken(sign({ alg: 'HS256' }, claims), [SECRET])).toMatchObject(input);
    expect(await verifySessionToken(sign({ alg: 'HS256' }, { ...claims, aud: ['other', SESSION_AUDIENCE] }), [SECRET])).toMatchObject(input);
    // Refused: critical extensions, an unencoded payload, another type, a header that is not an object.
    for (const header of [
      { alg: 'HS256', crit: ['exp'] },
      { alg: 'HS256', b64: false, crit: ['b64'] },
      { alg: 'HS256', typ: 'at+jwt' },
      { alg: 'hs256' },
      ['HS256'],
      'HS256',
      null,
    ]) {
      expect(await verifySessionToken(sign(header, claims), [SECRET])).toBeNull();
    }
    // Refused: a payload that is not a JSON object, though signed.
    for (const payload of ['not json', '[1,2]', 'null', '42']) {
      const signingInput = `${b64url({ alg: 'HS256' })}.${Buffer.from(payload).toString('base64url')}`;
      expect(
        await verifySessionToken(`${signingInput}.${createHmac('sha256', SECRET).update(signingInput).digest('base64url')}`, [SECRET]),
      ).toBeNull();
    }
    // Refused: not yet valid, exp not a number, a truncated or padded signature, characters outside base64url.
    expect(await verifySessionToken(sign({ alg: 'HS256' }, { ...claims, nbf: claims.iat + 600 }), [SECRET])).toBeNull();
    expect(await verifySessionToken(sign({ alg: 'HS256' }, { ...claims, exp: String(claims.exp) }), [SECRET])).toBeNull();
    const good = await mintSessionToken(input, SECRET);
    expect(await verifySessionToken(good.slice(0, -2), [SECRET])).toBeNull();
    expect(await verifySessionToken(`${good}AA`, [SECRET])).toBeNull();
    expect(await verifySessionToken(`${good}=`, [SECRET])).toBeNull();
    expect(await verifySessionToken(`${good}.x`, [SECRET])).toBeNull();
    expect(await verifySessionToken(good.replace('.', '.+'), [SECRET])).toBeNull();
    expect(await verifySessionToken(good, [SECRET])).toMatchObject(input);
  });

  it('accepts the previous secret during a rotation, and only while it is configured', async () => {
    const oldToken = await mintSessionToken(input, OTHER);
    expect(await verifySessionToken(oldToken, [SECRET, OTHER])).toMatchObject(input);
    expect(await verifySessionToken(oldToken, [SECRET])).toBeNull();
    const newToken = await mintSessionToken(input, SECRET);
    expect(await verifySessionToken(newToken, [SECRET, OTHER])).toMatchObject(input);
    // The previous secret does not make an expired token valid.
    const expired = await mintSessionToken(input, OTHER, { now: Date.now() - 2 * SESSION_TTL_SECONDS * 1000 });
    expect(await verifySessionToken(expired, [SECRET, OTHER])).toBeNull();
  });

  describe('property tests (untrusted input)', { timeout: 60_000 }, () => {
    const sessionInputs = fc.record({
      userId: fc.uuid({ version: 4 }),
      businessId: fc.uuid({ version: 4 }),
      rank: fc.constantFrom(...RANKS),
      name: fc.string({ unit: 'grapheme', maxLength: 120 }),
      email: fc.string({ maxLength: 254 }),
      theme: fc.constantFrom('light' as const, 'dark' as const),
      sessionVersion: fc.nat(),
      sessionId: fc.uuid({ version: 4 }),
      sessionExpiresAt: fc.integer({ min: Math.floor(Date.now() / 1000) + 3600, max: 2 ** 40 }),
    });

    it('arbitrary valid claims round-trip', async () => {
      await fc.assert(
        fc.asyncProperty(sessionInputs, async (i) => {
          const session = await verifySessionToken(await mintSessionToken(i, SECRET), [SECRET]);
          expect(session).toMatchObject(i);
        }),
        { numRuns: 200 },
      );
    });

    it('arbitrary strings never verify', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(fc.string(), fc.string({ unit: 'binary-ascii' }), fc.string({ unit: 'grapheme' }), fc.base64String()),
          async (s) => {
            expect(await verifySessionToken(s, [SECRET])).toBeNull();
          },
        ),
        { numRuns: 300 },
      );
    });

    it('three arbitrary base64url segments never verify', async () => {
      const segment = fc.base64String().map((s) => s.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_'));
      await fc.assert(
        fc.asyncProperty(segment, segment, segment, async (a, b, c) => {
          expect(await verifySessionToken(`${a}.${b}.${c}`, [SECRET])).toBeNull();
        }),
        { numRuns: 200 },
      );
    });

    it('a token with any one character changed never verifies', async () => {
      const token = await mintSessionToken(input, SECRET);
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ';
      const decoded = (t: string) => t.split('.').map((part) => Buffer.from(part, 'base64url').toString('hex'));
      await fc.assert(
        fc.asyncProperty(fc.nat({ max: token.length - 1 }), fc.constantFrom(...alphabet), async (at, ch) => {
          fc.pre(token[at] !== ch);
          const mutated = token.slice(0, at) + ch + token.slice(at + 1);
          const session = await verifySessionToken(mutated, [SECRET]);
          // base64url's last character carries unused bits; a change there that decodes to the same
          // bytes is the same signature, not a forgery. Any change to the signed bytes must fail.
          const same = mutated.split('.').length === 3 && decoded(mutated).join('.') === decoded(token).join('.');
          if (!same) expect(session).toBeNull();
        }),
        { numRuns: 400 },
      );
    });

    it('truncated or extended tokens never verify', async () => {
      const token = await mintSessionToken(input, SECRET);
      await fc.assert(
        fc.asyncProperty(fc.nat({ max: token.length - 1 }), fc.string({ minLength: 1, maxLength: 8 }), async (cut, extra) => {
          expect(await verifySessionToken(token.slice(0, cut), [SECRET])).toBeNull();
          expect(await verifySessionToken(`${token}.${extra}`, [SECRET])).toBeNull();
        }),
        { numRuns: 200 },
      );
    });
  });
});

describe('session secret configuration', () => {
  const production: NodeJS.ProcessEnv = { NODE_ENV: 'production', DATABASE_URL: 'postgres://fuse@127.0.0.1:5432/fuse' };
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('refuses to start in production without SESSION_SECRET, naming the variable', () => {
    expect(() => loadConfig({ ...production })).toThrow(ConfigError);
    expect(() => loadConfig({ ...production })).toThrow(/SESSION_SECRET/);
    expect(() => loadConfig({ ...production, SESSION_SECRET: '' })).toThrow(/SESSION_SECRET/);
  });

  it('refuses a SESSION_SECRET shorter than 32 bytes', () => {
    let error: unknown;
    try {
      loadConfig({ ...production, SESSION_SECRET: 'x'.repeat(31) });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/SESSION_SECRET/);
    // 32 bytes is enough, counted in bytes (not characters).
    expect(loadConfig({ ...production, SESSION_SECRET: 'x'.repeat(32) }).session.secret.byteLength).toBe(32);
    expect(() => loadConfig({ ...production, SESSION_SECRET: 'é'.repeat(15) })).toThrow(ConfigError);
  });

  it('refuses a short SESSION_SECRET_PREVIOUS', () => {
    expect(() => loadConfig({ ...production, SESSION_SECRET: 'x'.repeat(40), SESSION_SECRET_PREVIOUS: 'short' })).toThrow(/SESSION_SECRET_PREVIOUS/);
    const cfg = loadConfig({ ...production, SESSION_SECRET: 'x'.repeat(40), SESSION_SECRET_PREVIOUS: 'y'.repeat(40) });
    expect(cfg.session.previousSecret).not.toBeNull();
  });

  it('generates a development secret once and keeps it under the data directory', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fuse-config-'));
    dirs.push(dir);
    const first = loadConfig({ NODE_ENV: 'development', FUSE_DATA_DIR: dir });
    const second = loadConfig({ NODE_ENV: 'development', FUSE_DATA_DIR: dir });
    expect(first.session.secret.byteLength).toBeGreaterThanOrEqual(32);
    expect(Buffer.from(second.session.secret).equals(Buffer.from(first.session.secret))).toBe(true);
    expect(readFileSync(path.join(dir, 'session-secret'), 'utf8').trim()).toBe(Buffer.from(first.session.secret).toString());
  });
});
