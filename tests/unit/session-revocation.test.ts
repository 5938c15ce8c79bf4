import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@/fuse/config';
import { decodeCursor, encodeCursor } from '@/fuse/db/cursor';
import { ValidationError } from '@/fuse/http/errors';
import { PLAIN_COOKIE_NAME } from '@/fuse/session/cookie';
import { refreshSession, sessionFromCookies } from '@/fuse/session/refresh';
import { revocationConcerns, RevocationList, type Revocation } from '@/fuse/session/revoked';
import { cursorKey, derivedKey, signingSecret, verificationSecrets } from '@/fuse/session/secrets';
import { applyRevocationNotice } from '@/fuse/session/sessions';
import { mintSessionToken, SESSION_TTL_SECONDS, verifySessionToken, type Session, type SessionGrant } from '@/fuse/session/token';

const DAY = 86_400;

function grant(over: Partial<SessionGrant> = {}): SessionGrant {
  return {
    userId: randomUUID(),
    businessId: randomUUID(),
    rank: 'captain',
    name: 'Rev Reader',
    email: 'rev@example.com',
    theme: 'light',
    sessionVersion: 2,
    sessionId: randomUUID(),
    sessionExpiresAt: Math.floor(Date.now() / 1000) + 30 * DAY,
    ...over,
  };
}

async function cookieOf(g: SessionGrant, now = Date.now()) {
  const token = await mintSessionToken(g, signingSecret(), { now });
  return { get: (name: string) => (name === PLAIN_COOKIE_NAME ? { value: token } : undefined) };
}

function loaded(): RevocationList {
  const list = new RevocationList();
  list.loaded = true;
  return list;
}

/** A stand-in for the database re-check that counts its calls and answers like a live session. */
function countingRecheck() {
  const calls: Session[] = [];
  return {
    calls,
    recheck: async (s: Session) => {
      calls.push(s);
      return s;
    },
  };
}

describe('revocations held in memory', () => {
  it('re-checks every cookie until the database revocations are loaded', () => {
    const list = new RevocationList();
    const s = { ...grant(), issuedAt: Math.floor(Date.now() / 1000) };
    expect(list.standing(s)).toBe('recheck');
    list.loaded = true;
    expect(list.standing(s)).toBe('current');
  });

  it('a signed-out session is refused until its absolute end, and only that session', () => {
    const list = loaded();
    const now = Date.now();
    const a = { ...grant(), issuedAt: Math.floor(now / 1000) };
    const b = { ...grant({ userId: a.userId }), issuedAt: a.issuedAt };
    list.apply({ kind: 'session', sessionId: a.sessionId, userId: a.userId, until: now + 60_000 }, now);
    expect(list.standing(a, now)).toBe('ended');
    expect(list.standing(b, now)).toBe('current');
    // Past the session's end the entry goes (the cookie is expired by then anyway).
    expect(list.standing(a, now + 61_000)).toBe('current');
  });

  it('sign out everywhere refuses every cookie below the new version; a rank change re-checks older cookies', () => {
    const list = loaded();
    const now = Date.now();
    const old = { ...grant({ sessionVersion: 4 }), issuedAt: Math.floor(now / 1000) - 60 };
    list.apply({ kind: 'user', userId: old.userId, minVersion: 5, at: now }, now);
    expect(list.standing(old, now)).toBe('ended');
    expect(list.standing({ ...old, sessionVersion: 5 }, now)).toBe('current');

    const member = { ...grant(), issuedAt: Math.floor(now / 1000) - 60 };
    list.apply({ kind: 'recheck', userId: member.userId, businessId: member.businessId, at: now }, now);
    expect(list.standing(member, now)).toBe('recheck');
    // A cookie minted well after the change (a refresh re-minted it) is current again.
    expect(list.standing({ ...member, issuedAt: Math.floor(now / 1000) + 5 }, now + 5_000)).toBe('current');
  });

  it('forgets a mark once every cookie it concerns has expired', () => {
    const list = loaded();
    const now = Date.now();
    const s = { ...grant({ sessionVersion: 1 }), issuedAt: Math.floor(now / 1000) };
    list.apply({ kind: 'user', userId: s.userId, minVersion: 2, at: now }, now);
    expect(list.size().users).toBe(1);
    const later = now + SESSION_TTL_SECONDS * 1000 + 1;
    expect(list.standing(s, later)).toBe('current');
    // The next revocation sweeps it out.
    list.apply({ kind: 'session', sessionId: randomUUID(), userId: randomUUID(), until: later + 120_000 }, later + 61_000);
    expect(list.size()).toEqual({ sessions: 1, users: 0 });
  });

  it('tells its listeners which open streams a revocation concerns', () => {
    const list = loaded();
    const now = Date.now();
    const seen: boolean[][] = [];
    const reader = { ...grant(), issuedAt: Math.floor(now / 1000) - 10 };
    const other = { ...grant(), issuedAt: reader.issuedAt };
    list.onRevocation((concerns) => seen.push([concerns(reader, reader.businessId), concerns(other, other.businessId)]));
    list.apply({ kind: 'session', sessionId: reader.sessionId, userId: reader.userId, until: now + 1000 }, now);
    list.apply({ kind: 'recheck', userId: reader.userId, businessId: randomUUID(), at: now }, now);
    list.apply({ kind: 'recheck', userId: reader.userId, businessId: reader.businessId, at: now }, now);
    expect(seen).toEqual([
      [true, false],
      [false, false],
      [true, false],
    ]);
    expect(revocationConcerns({ kind: 'user', userId: reader.userId, minVersion: reader.sessionVersion, at: now }, reader, reader.businessId)).toBe(
      false,
    );
    expect(
      revocationConcerns({ kind: 'user', userId: reader.userId, minVersion: reader.sessionVersion + 1, at: now }, reader, reader.businessId),
    ).toBe(true);
  });

  it('applies a well-formed notice from another instance and ignores anything else (property)', () => {
    const list = loaded();
    const s = { ...grant(), issuedAt: Math.floor(Date.now() / 1000) };
    applyRevocationNotice(JSON.stringify({ kind: 'session', sessionId: s.sessionId, userId: s.userId, until: Date.now() + 60_000 }), list);
    expect(list.standing(s)).toBe('ended');

    const hostile = fc.oneof(
      fc.string(),
      fc.json(),
      fc
        .record({
          kind: fc.constantFrom('session', 'user', 'recheck', 'other'),
          userId: fc.anything(),
          sessionId: fc.anything(),
          until: fc.anything(),
          at: fc.anything(),
          minVersion: fc.anything(),
          businessId: fc.anything(),
        })
        .map((o) => JSON.stringify(o)),
    );
    fc.assert(
      fc.property(hostile, (payload) => {
        const probe = new RevocationList();
        probe.loaded = true;
        let applied = 0;
        probe.onRevocation(() => applied++);
        expect(() => applyRevocationNotice(payload, probe)).not.toThrow();
        if (applied) {
          // Whatever was applied is a revocation of the documented shape.
          const r = JSON.parse(payload) as Revocation;
          expect(['session', 'user', 'recheck']).toContain(r.kind);
          expect(typeof r.userId).toBe('string');
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('reading a cookie', () => {
  it('is decided in memory: no database query for a current, a signed-out or a signed-out-everywhere cookie', async () => {
    const list = loaded();
    const { calls, recheck } = countingRecheck();
    const g = grant();
    const cookies = await cookieOf(g);
    const deps = { list, recheck };

    expect((await sessionFromCookies(cookies, false, 300, true, deps)).session).toMatchObject({ sessionId: g.sessionId });
    list.apply({ kind: 'session', sessionId: g.sessionId, userId: g.userId, until: Date.now() + 60_000 });
    expect(await sessionFromCookies(cookies, false, 300, true, deps)).toEqual({ session: null, token: null, revoked: true });

    const h = grant({ sessionVersion: 7 });
    list.apply({ kind: 'user', userId: h.userId, minVersion: 8, at: Date.now() });
    expect(await sessionFromCookies(await cookieOf(h), false, 300, true, deps)).toEqual({ session: null, token: null, revoked: true });
    // Without refresh (a cacheable page) a revoked cookie reads as signed out too.
    expect((await sessionFromCookies(cookies, false, 300, false, deps)).session).toBeNull();
    expect(calls).toHaveLength(0);
  });

  it('re-checks (and re-mints with the same session id) a cookie marked by a rank change', async () => {
    const list = loaded();
    const { calls, recheck } = countingRecheck();
    const now = Date.now();
    const g = grant();
    const cookies = await cookieOf(g, now - 30_000);
    list.apply({ kind: 'recheck', userId: g.userId, businessId: g.businessId, at: now });
    const outcome = await sessionFromCookies(cookies, false, 300, true, { list, recheck, now: () => now + 3_000 });
    expect(calls).toHaveLength(1);
    expect(outcome.token).toEqual(expect.any(String));
    expect((await verifySessionToken(outcome.token, verificationSecrets(), { now: now + 3_000 }))?.sessionId).toBe(g.sessionId);
    // A database answer of "revoked" signs the cookie out.
    const gone = await sessionFromCookies(cookies, false, 300, true, { list, recheck: async () => null, now: () => now + 3_000 });
    expect(gone).toEqual({ session: null, token: null, revoked: true });
  });

  it('refreshes never carry a session past its absolute end (clock injected)', async () => {
    const list = loaded();
    const { recheck } = countingRecheck();
    const start = Date.now();
    const lifetime = 2 * DAY;
    const end = Math.floor(start / 1000) + lifetime;
    let token = await mintSessionToken(grant({ sessionExpiresAt: end }), signingSecret(), { now: start });
    // Used every 6 hours: each use past SESSION_REFRESH_SECONDS re-mints the cookie.
    let clock = start;
    const seen: number[] = [];
    for (;;) {
      clock += 6 * 3600_000;
      const session = await verifySessionToken(token, verificationSecrets(), { now: clock });
      if (!session) break;
      const outcome = await refreshSession(session, 300, { list, recheck, now: () => clock });
      expect(outcome.token).toEqual(expect.any(String));
      const minted = (await verifySessionToken(outcome.token, verificationSecrets(), { now: clock }))!;
      expect(minted.sessionExpiresAt).toBe(end);
      expect(minted.expiresAt).toBeLessThanOrEqual(end);
      seen.push(minted.expiresAt);
      token = outcome.token!;
    }
    // Each refresh moved the token's expiry to the session's end, never beyond; after it, nothing verifies.
    expect(seen.length).toBeGreaterThan(2);
    expect(new Set(seen)).toEqual(new Set([end]));
    expect(clock / 1000).toBeGreaterThan(end);
    expect(clock / 1000 - end).toBeLessThanOrEqual(6 * 3600);
  });
});

describe('cursor key', () => {
  it('is derived from the session secret (HKDF), not the secret itself', () => {
    const key = cursorKey();
    expect(Buffer.from(key).equals(Buffer.from(signingSecret()))).toBe(false);
    expect(Buffer.from(key).equals(Buffer.from(derivedKey(signingSecret(), 'cursor v1')))).toBe(true);
    const ctx = { businessId: randomUUID(), filter: '' };
    // A cursor MAC'd with the raw session secret is not a cursor.
    const forged = encodeCursor(42, ctx, signingSecret());
    expect(() => decodeCursor(forged, ctx, key)).toThrow(ValidationError);
    expect(decodeCursor(encodeCursor(42, ctx, key), ctx, key)).toBe(42);
  });
});

describe('session and stream limits configuration', () => {
  const env = { NODE_ENV: 'test', SESSION_SECRET: 'x'.repeat(40) } as NodeJS.ProcessEnv;

  it('SESSION_LIFETIME_DAYS: 30 days by default, a positive number up to 400, named when wrong', () => {
    expect(loadConfig(env).session.lifetimeSeconds).toBe(30 * DAY);
    expect(loadConfig({ ...env, SESSION_LIFETIME_DAYS: '0.5' }).session.lifetimeSeconds).toBe(DAY / 2);
    for (const bad of ['0', '-1', 'a month', '401']) {
      expect(() => loadConfig({ ...env, SESSION_LIFETIME_DAYS: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ ...env, SESSION_LIFETIME_DAYS: bad })).toThrow(/SESSION_LIFETIME_DAYS/);
    }
  });

  it('LIVE_MAX_STREAMS_PER_USER: 10 by default, a whole number of at least 1', () => {
    expect(loadConfig(env).live.maxStreamsPerUser).toBe(10);
    expect(loadConfig({ ...env, LIVE_MAX_STREAMS_PER_USER: '3' }).live.maxStreamsPerUser).toBe(3);
    for (const bad of ['0', '2.5', 'many']) expect(() => loadConfig({ ...env, LIVE_MAX_STREAMS_PER_USER: bad })).toThrow(/LIVE_MAX_STREAMS_PER_USER/);
  });
});
